import type { BulkOptions, BulkResult, ResetOptions } from "./api-operations.js";
import type { Duration } from "./duration.js";
import type { SerializedError } from "./errors.js";
import type { RunStatus, Tags, TagValue } from "./history/index.js";
import type { BulkAction, BulkDescription, BulkFailure, BulkProgress } from "./store/bulk-records.js";
import type { ListRunsFilter, RunInfo, RunOrder, RunPage, StreamEvent } from "./store/records.js";

/*
 * The runtime's public types, by area: the client (api-client.ts) and its options
 * (api-options.ts), time and in-process notifications (api-local.ts), workflow and activity
 * code and the worker (api-worker.ts), run operations, waits, requests and streams.
 */

export type * from "./api-client.js";
export type * from "./api-local.js";
export type * from "./api-options.js";
export type * from "./api-waits.js";
export type * from "./api-worker.js";
export type * from "./request-api.js";
export type { QueueInfo, QueueKeyLoad, QueueRunCounts, QueueSlotCounts } from "./store/queue-records.js";
export type {
  LocalStreamRef,
  MockStream,
  ReadStreamOptions,
  StreamBatchOptions,
  StreamChunk,
  StreamInfo,
  TypedStreamChunk,
  TypedStreamWrites,
} from "./stream-api.js";
export type {
  BulkAction,
  BulkDescription,
  BulkFailure,
  BulkOptions,
  BulkProgress,
  BulkResult,
  Duration,
  ListRunsFilter,
  ResetOptions,
  RunInfo,
  RunOrder,
  RunPage,
  RunStatus,
  SerializedError,
  StreamEvent,
  Tags,
  TagValue,
};
