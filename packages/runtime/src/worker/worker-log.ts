import type { Clock, Logger } from "../api.js";
import type { RunKey } from "../history/index.js";
import { serializeError } from "../serialize-error.js";
import { type RunLogRef, runFields } from "../telemetry/logging.js";
import { type FailedAttempt, RetryLog } from "./retry-log.js";

/** How often the event loop is checked, and how late a check must be to say it was blocked. */
const LAG_CHECK_MS = 250;
const LAG_WARN_MS = 1000;

/**
 * What a worker says in its log: plain lines, lines about a run (with its trace id while it
 * is held here), throttled retry warnings, an activity it lacks (once), and a blocked event
 * loop with the run whose step ran last.
 */
export class WorkerLog implements Logger {
  readonly #logger: Logger;
  readonly #retries: RetryLog;
  /** The run as log lines name it (see HeldRuns.logRefOf). */
  readonly #refOf: (key: RunKey) => RunLogRef;
  /** Activities runs asked for that this worker lacks, each logged once. */
  readonly #lacking = new Set<string>();
  #lastStepped: RunKey | undefined;

  constructor(logger: Logger, clock: Clock, refOf: (key: RunKey) => RunLogRef) {
    this.#logger = logger;
    this.#retries = new RetryLog(logger, clock);
    this.#refOf = refOf;
  }

  info(message: string, fields?: Record<string, unknown>): void {
    if (fields === undefined) this.#logger.info(message);
    else this.#logger.info(message, fields);
  }

  warn(message: string, fields?: Record<string, unknown>): void {
    if (fields === undefined) this.#logger.warn(message);
    else this.#logger.warn(message, fields);
  }

  error(message: string, fields?: Record<string, unknown>): void {
    if (fields === undefined) this.#logger.error(message);
    else this.#logger.error(message, fields);
  }

  logError(message: string, error: unknown, run: RunLogRef): void {
    const cause = error === undefined ? {} : { error: serializeError(error).message };
    this.#logger.error(message, { ...runFields(run), ...cause });
  }

  logInfo(message: string, run: RunLogRef): void {
    this.#logger.info(message, runFields(run));
  }

  logRetry(failure: FailedAttempt): void {
    this.#retries.failed(failure);
  }

  lacksActivity(key: RunKey, activity: string): void {
    // Once per activity: in a rolling deploy every run of the new code passes by here.
    if (this.#lacking.has(activity)) return;
    this.#lacking.add(activity);
    this.#logger.warn(
      `run ${key.workflow}/${key.runId} waits for activity ${JSON.stringify(activity)}, which this worker does not have; it is left to a worker that has it`,
      { ...runFields(this.#refOf(key)), activity },
    );
  }

  /** The run whose step runs now: named when the event loop turns out to have been blocked. */
  stepping(key: RunKey): void {
    this.#lastStepped = key;
  }

  /**
   * Notices a blocked event loop (a timer firing far too late) and names the run whose step
   * ran last: a workflow in a synchronous loop freezes the whole worker, its leases included.
   * Returns the function that stops watching.
   */
  watchEventLoop(): () => void {
    let expected = Date.now() + LAG_CHECK_MS;
    const watch = setInterval(() => {
      const lag = Date.now() - expected;
      expected = Date.now() + LAG_CHECK_MS;
      if (lag < LAG_WARN_MS) return;
      const run = this.#lastStepped;
      const suspect = run === undefined ? "" : `; the last step that ran was of run ${run.workflow}/${run.runId}`;
      this.#logger.warn(
        `the event loop was blocked for ${lag} ms${suspect}: workflow code must not block (no synchronous loops or I/O)`,
        { blockedMs: lag, ...(run === undefined ? {} : runFields(this.#refOf(run))) },
      );
    }, LAG_CHECK_MS);
    watch.unref?.();
    return () => clearInterval(watch);
  }
}
