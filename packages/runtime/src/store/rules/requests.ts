import { RunEndedError, RunNotFoundError, type SerializedError } from "../../errors.js";
import { isEnded, type RunKey, RunStatus } from "../../history/index.js";
import { FRESH_VERSION } from "../claimed-run.js";
import { type NewRequest, type RequestState, RequestStatus, type RequestWrite } from "../request-records.js";
import type { RunEnd } from "../step-write.js";
import { wakeOnArrival } from "./wake.js";

/*
 * The life of an update or query request (see store/request-records.ts). A client stores it
 * (requestArrival), which wakes the run (runAfterRequest); the step of the worker that takes it
 * up writes what became of it, fenced like the step (requestWriteRefusal); the step that ends the
 * run settles every request still open (requestsAtEnd); a caller that gives up withdraws a
 * request no worker took up (withdrawal). SQL twins sit in store/mysql/requests.ts; the
 * conformance cases of test/store/requests.test.ts hold both stores to these rules.
 */

/** What a request reads of the run it is sent to. */
export interface RequestedRun {
  readonly status: string;
}

/** Store the request, or answer with the one stored under its id before. */
export type ArrivalDecision = { readonly add: true } | { readonly add: false; readonly state: RequestState };

/**
 * A client's request to a run. A request id stored before answers with that request (an update
 * sent twice is applied once, and the second call gets the first outcome), even once the run
 * ended. Otherwise the run must exist (RunNotFoundError) and not have ended (RunEndedError): a
 * running or stuck run takes it.
 */
export function requestArrival(
  key: RunKey,
  request: Pick<NewRequest, "kind" | "name">,
  run: RequestedRun | undefined,
  existing: RequestState | undefined,
): ArrivalDecision {
  if (existing !== undefined) return { add: false, state: existing };
  if (run === undefined) throw new RunNotFoundError(key.namespace, key.workflow, key.runId);
  if (isEnded(run.status)) {
    const sent = request.kind === "update" ? { update: request.name } : { query: request.name };
    throw new RunEndedError(key.namespace, key.workflow, key.runId, run.status, sent);
  }
  return { add: true };
}

/** What a request reads and writes of its run's row: its status, version, wake time and generations. */
export interface WokenRun {
  readonly status: string;
  readonly version: number;
  readonly wakeAt: number | null;
  readonly wakeGen: number;
  readonly requestGen: number;
}

/**
 * The run's row once a request arrived: request_gen moves (a worker holding or caching the run
 * reads its requests when it sees it move, and only then), and wake_gen with it, so a step that
 * read its inputs before keeps the run awake; a running run is due now, unless it is due earlier
 * or has not started (see wakeOnArrival: a delayed start is kept, as for a signal). SQL twin:
 * REQUEST_WAKE in store/mysql/requests.ts.
 */
export function runAfterRequest(run: WokenRun, now: number): Pick<WokenRun, "wakeAt" | "wakeGen" | "requestGen"> {
  const started = run.version !== FRESH_VERSION;
  return {
    wakeAt: run.status === RunStatus.Running ? wakeOnArrival(run.wakeAt, now, started) : run.wakeAt,
    wakeGen: run.wakeGen + 1,
    requestGen: run.requestGen + 1,
  };
}

/**
 * Why a step may not write `write` over the request as the store has it (`current`: its status,
 * undefined when there is no row), or undefined when it may. A new row must be new. A stored
 * update the step accepted or rejected must still wait for a worker: one its caller withdrew
 * (timed out) meanwhile refuses the step, whose executor took it, so that it is never applied
 * after its caller was told it would not be. The rest is written where the row is as the step
 * found it, and dropped where it is not: a query's answer to a caller that gave up, the outcome
 * of an update with no row (accepted by the run a fork copied it from).
 */
export function requestWriteRefusal(write: RequestWrite, current: RequestStatus | undefined): string | undefined {
  if (write.from === undefined) {
    return current === undefined ? undefined : `update request ${write.requestId} exists already`;
  }
  if (write.kind === "query" || write.from !== RequestStatus.Requested || current === write.from) return undefined;
  return current === undefined
    ? `update request ${write.requestId} was withdrawn by its caller`
    : `update request ${write.requestId} is ${current}, not ${write.from}`;
}

/** True when the store must see a write change its row (else the step is refused): see requestWriteRefusal. */
export function writeMustHold(write: RequestWrite): boolean {
  return write.kind === "update" && write.from === RequestStatus.Requested;
}

/** What the step that ends a run writes to its requests still open, by their status. */
export interface RequestsAtEnd {
  /** A request no worker took up: it ended with the run. */
  readonly requested: Pick<RequestState, "status" | "errorText">;
  /** An update whose handler had not finished: it failed. */
  readonly accepted: Pick<RequestState, "status" | "errorText">;
}

/**
 * The outcome of the requests of a run that ends (completes, fails, is cancelled or times out)
 * while they are open, so that no caller waits for ever. SQL twin: endRequestsStatement in
 * store/mysql/requests.ts.
 */
export function requestsAtEnd(key: RunKey, end: Pick<RunEnd, "status">): RequestsAtEnd {
  const run = `run ${key.namespace}/${key.workflow}/${key.runId} ended (${end.status})`;
  const error = (message: string): string => {
    const serialized: SerializedError = { name: "RunEndedError", message, code: "RUN_ENDED" };
    return JSON.stringify(serialized);
  };
  return {
    requested: { status: RequestStatus.Ended, errorText: error(`${run} before a worker took the request up`) },
    accepted: {
      status: RequestStatus.Failed,
      errorText: error(
        `${run} before the handler of this update finished; to let handlers finish, have the workflow wait for them before it returns (e.g. await ctx.condition(() => running === 0))`,
      ),
    },
  };
}

/**
 * A caller that gives up (its timeout passed) withdraws its request: deleted while no worker
 * took it up, so it is never applied; left as it is otherwise. `state`: the request as it was.
 */
export function withdrawal(current: RequestState | undefined): {
  readonly deletes: boolean;
  readonly state: RequestState | undefined;
} {
  return { deletes: current?.status === RequestStatus.Requested, state: current };
}
