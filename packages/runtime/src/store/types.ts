/*
 * The storage seam. The worker and the client depend on these interfaces only; a store
 * (store/mysql, store/memory) implements all of them. Times are ms since the epoch, taken
 * by the caller from its clock; names and payloads arrive validated and encoded.
 *
 * This file is the index of the seam; each part lives in a file of its own role:
 *   claimed-run.ts       the state of a run a worker advances (and what "fresh" means)
 *   engine-store.ts      what the worker needs: claims, leases, histories, fenced commits
 *   step-write.ts        what one engine commit writes for a run, and its result
 *   client-store.ts      what the client and the management API need
 *   request-records.ts   update and query requests as stored
 *   schedule-records.ts  schedules as stored and as listed
 *   event-records.ts     published events, token completions and event-started runs
 *   stream-records.ts    durable streams: chunks, heads, the writes of activities, reads
 */
import type { PayloadStore } from "../payload/payload-store.js";
import type { ClientStore } from "./client-store.js";
import type { EngineStore } from "./engine-store.js";
import type { StreamStore } from "./stream-records.js";

export type {
  BulkAction,
  BulkBatch,
  BulkFailure,
  BulkOutcome,
  BulkProgress,
  BulkSignal,
  BulkSpec,
  BulkStore,
} from "./bulk-records.js";
export { type ClaimedRun, FRESH_VERSION, type FreshRun, freshClaim } from "./claimed-run.js";
export type {
  ClientStore,
  CountFilter,
  EventBatch,
  EventFilter,
  ForkOverrides,
  ForkRequest,
  HistoryOptions,
  NewRun,
  NewSignal,
  OrphanedSignal,
  PurgeRequest,
  RunCounts,
  RunReset,
  SignalAndRun,
} from "./client-store.js";
export type {
  ClaimOptions,
  EngineStore,
  HeldRun,
  InboxSignal,
  Presence,
  SlotAnswer,
  SlotRequest,
  WorkerAbilities,
} from "./engine-store.js";
export type {
  CompletedToken,
  DispatchedEvents,
  FiredDebounces,
  NewPublishedEvent,
  TokenCompletionWrite,
  TriggerPlan,
  TriggerPlanner,
} from "./event-records.js";
export {
  isRequestStatus,
  isSettled,
  type NewRequest,
  type RequestArrival,
  type RequestKind,
  type RequestState,
  RequestStatus,
  type RequestWrite,
  type StoredRequest,
} from "./request-records.js";
export type { RunSnapshot } from "./rules/lease.js";
export type { FiredSchedules, ScheduleInfo, ScheduleSpec } from "./schedule-records.js";
export type {
  ChildStart,
  EventWaitRef,
  EventWaitToBegin,
  RunEnd,
  RunSeen,
  SignalToSend,
  StepResult,
  StepWrite,
  TaskRetry,
  TaskRow,
  TokenToCreate,
} from "./step-write.js";
export type {
  ActivityStreamBatch,
  PlacedChunk,
  StoredChunk,
  StoredStream,
  StreamAppend,
  StreamBatchResult,
  StreamHead,
  StreamRead,
  StreamResetRequest,
  StreamResetResult,
  StreamStore,
  StreamWriter,
  WriterRow,
} from "./stream-records.js";

/** A complete store: one implementation serves both the client and the worker. */
export interface Store extends EngineStore, ClientStore, StreamStore {
  /** For messages, e.g. "MySQL at 127.0.0.1:3306" or "in-memory store". */
  readonly description: string;
  /**
   * The payload store in the store's own database (tablePayloadStore(): the default place of
   * offloaded payloads), whose payloads purgeRuns deletes with their runs; none: a client on
   * this store offloads only to a payload store it is given.
   */
  readonly payloadTable?: PayloadStore | undefined;
}
