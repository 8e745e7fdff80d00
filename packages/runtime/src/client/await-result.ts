import type { LocalBus, LocalRunEnding, Logger, RunInfo } from "../api.js";
import { ResultTimeoutError, RunFailedError, type SerializedError } from "../errors.js";
import { type RunKey, RunStatus } from "../history/index.js";
import { outlastOutage } from "./outlast.js";
import { waitFor } from "./wait.js";

const FIRST_POLL_MS = 50;
const MAX_POLL_MS = 1000;
/** A run no worker has taken up for this long is reported once: likely no worker runs. */
export const NOT_TAKEN_UP_WARN_MS = 10_000;

/** What awaitResult needs from the client. */
export interface ResultSource {
  readonly local: LocalBus;
  readonly logger: Logger;
  getRun(namespace: string, workflow: string, runId: string): Promise<RunInfo | undefined>;
  /** Says what the run waits for, for the timeout's message. */
  explainWait(key: RunKey): Promise<string>;
}

/**
 * Waits until the run ends: its result when completed, RunFailedError otherwise.
 * Wakes on the local bus when a worker in this process ends the run, and polls
 * getRun (50 ms growing to 1 s) for workers elsewhere. A run that does not exist
 * yet is waited for: it may be started later. While the database cannot be reached the
 * wait goes on (retrying with back-off) until the deadline, if any.
 */
export async function awaitRunResult(
  source: ResultSource,
  key: RunKey,
  timeoutMs: number | undefined,
): Promise<unknown> {
  const { namespace, workflow, runId } = key;
  const deadline = timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + timeoutMs;
  let pollMs = FIRST_POLL_MS;
  // Listen for the whole wait, so an end reported between a read and the next wait is not lost.
  let ended = false;
  let reported: LocalRunEnding | undefined;
  let wakeWaiter: (() => void) | undefined;
  const unsubscribe = source.local.onRunEnded((ns, wf, id, ending) => {
    if (ns !== namespace || wf !== workflow || id !== runId) return;
    ended = true;
    reported = ending;
    wakeWaiter?.();
  });
  const subscribe = (wake: () => void): (() => void) => {
    if (ended) queueMicrotask(wake);
    wakeWaiter = wake;
    return () => {
      wakeWaiter = undefined;
    };
  };
  const waitingSince = Date.now();
  let warned = false;
  try {
    for (;;) {
      ended = false;
      // A database restart during the wait is waited out, up to the deadline.
      const run = await outlastOutage(() => source.getRun(namespace, workflow, runId), { deadline });
      if (run !== undefined && run.status !== RunStatus.Running) return outcome(run);
      const idle = run !== undefined && !run.takenUp;
      const left = deadline - Date.now();
      if (left <= 0) throw await timedOut(source, key, timeoutMs ?? 0, idle);
      if (idle && !warned && Date.now() - Math.max(waitingSince, run.createdAt.getTime()) >= NOT_TAKEN_UP_WARN_MS) {
        warned = true;
        source.logger.warn(
          `awaitResult: run ${workflow}/${runId} has waited ${Math.round((Date.now() - run.createdAt.getTime()) / 1000)} s and no worker has taken it up. Is a worker running for namespace "${namespace}" with workflow "${workflow}" (and the run's version and queue)?`,
          { namespace, workflow, runId },
        );
      }
      await waitFor(Math.min(pollMs, left), undefined, subscribe);
      // A worker in this process said how the run ended: no need to read it back.
      if (reported) return outcome({ runId, ...reported });
      pollMs = Math.min(pollMs * 2, MAX_POLL_MS);
    }
  } finally {
    unsubscribe();
  }
}

/** The timeout, saying what the run waits for (or without that when it cannot be read). */
async function timedOut(
  source: ResultSource,
  key: RunKey,
  timeoutMs: number,
  neverTakenUp: boolean,
): Promise<ResultTimeoutError> {
  const waitingFor = await source.explainWait(key).catch(() => undefined);
  return new ResultTimeoutError(key.runId, timeoutMs, waitingFor, neverTakenUp);
}

function outcome(run: Pick<RunInfo, "runId" | "status" | "result" | "error">): unknown {
  if (run.status === RunStatus.Completed) return run.result;
  throw new RunFailedError(run.runId, run.error ?? cancelledFailure(run), run.status);
}

function cancelledFailure(run: Pick<RunInfo, "runId" | "status">): SerializedError {
  if (run.status === RunStatus.Cancelled) return { name: "CancelledError", message: `run ${run.runId} was cancelled` };
  return { name: "UnknownError", message: `run ${run.runId} ended as ${run.status} without a recorded error` };
}
