export type * from "./api.js";
export type { AwaitResultObserver, StoreClient, StoreClientOptions } from "./client/client.js";
export { createStoreClient } from "./client/client.js";
export type { ManualClock } from "./client/clock.js";
export { manualClock } from "./client/clock.js";
export { createLocalBus } from "./client/local-bus.js";
export type { ClientOptions } from "./client/options.js";
export { type PayloadView, payloadView } from "./client/payload-view.js";
export { requireSecretFields } from "./client/secret-fields.js";
export { type SseOptions, type SseStream, sendSse, sseResponse } from "./client/sse.js";
export { realTimers } from "./client/timers.js";
export { toMillis } from "./duration.js";
export * from "./errors.js";
export type {
  BuiltinFlowMember,
  FlowMock,
  FlowMockSpec,
  MockedMember,
  MockFn,
} from "./flow-support/flow-mock.js";
export { createFlowMock, MOCK_NOW } from "./flow-support/flow-mock.js";
export type { GeneratedFrom } from "./flow-support/freshness.js";
export { manifestHash, STALE_GENERATED_WARNING, warnIfStale } from "./flow-support/freshness.js";
export { mockQuery, mockUpdate } from "./flow-support/mock-requests.js";
export type {
  ActivityResponse,
  ChildRequest,
  EndStatus,
  EventAwaited,
  EventOf,
  EventPayloads,
  EventReceived,
  HistoryEvent,
  NewEvent,
  RecordedEvent,
  RunKey,
  SignalRequest,
  SignalResponse,
  SleepRequest,
  StoredEvent,
  TokenCompletion,
  TokenCreated,
} from "./history/index.js";
export { decodeEvent, EventType, newEvent, RunStatus } from "./history/index.js";
export { DEFAULT_MAX_PAYLOAD_BYTES, decodePayload, encodePayload, validateName } from "./json.js";
export * from "./ops/index.js";
export { type AesGcmOptions, aesGcmCodec } from "./payload/aes-gcm.js";
export { gzipCodec, type PayloadCodec } from "./payload/codec.js";
export { CodecStore } from "./payload/codec-store.js";
export type { EncodedNode, OffloadedRef } from "./payload/encoded.js";
export { filePayloadStore } from "./payload/file-store.js";
export { DEFAULT_OFFLOAD_ABOVE, type PayloadOptions } from "./payload/options.js";
export { type PayloadRef, type PayloadStore, tablePayloadStore } from "./payload/payload-store.js";
export { type S3PayloadStoreOptions, s3PayloadStore } from "./payload/s3-store.js";
export type { PayloadViewOptions, SealedPayload, SealReason } from "./payload/view.js";
export * from "./request-errors.js";
export { CompensationError, Saga, type SagaOptions } from "./saga.js";
export type { CatchupPolicy, OverlapPolicy } from "./schedule/plan.js";
export { MAX_SCHEDULE_ID_BYTES } from "./schedule/plan.js";
export { serializeError } from "./serialize-error.js";
export { SHARD_COUNT, shardOf } from "./shard.js";
export { createMemoryStore, MemoryStore, type MemoryStoreOptions } from "./store/memory/index.js";
export type { ClientConnection, MySqlClient } from "./store/mysql/client.js";
export { createClient } from "./store/mysql/client.js";
export type { DbClock } from "./store/mysql/clock.js";
export { createDbClock } from "./store/mysql/clock.js";
export type { MigrateOptions } from "./store/mysql/migrate.js";
export { migrate } from "./store/mysql/migrate.js";
export { DEFAULT_PREFIX } from "./store/mysql/prefix.js";
export { MIGRATIONS } from "./store/mysql/schema.js";
export { MySqlStore } from "./store/mysql/store.js";
export type * from "./store/types.js";
export type { JsonLoggerOptions, LogStream } from "./telemetry/logging.js";
export { createJsonLogger } from "./telemetry/logging.js";
export { MetricAttr, MetricName, SpanAttr, SpanEvent, SpanName } from "./telemetry/names.js";
export type {
  MetricsServer,
  MetricsServerOptions,
  PrometheusMetrics,
  PrometheusMetricsOptions,
} from "./telemetry/prometheus.js";
export { createPrometheusMetrics, startMetricsServer } from "./telemetry/prometheus.js";
export type { TokenHandler, TokenHandlerOptions } from "./tokens/handler.js";
export { createTokenHandler } from "./tokens/handler.js";
export type { TokenSecret, TokenUrlOptions } from "./tokens/url.js";
export { tokenUrl } from "./tokens/url.js";
export type { WorkerStats } from "./worker/worker.js";
export { createWorker } from "./worker/worker.js";
export { QUEUE_LIMITS } from "./worker/worker-options.js";
