import type { Clock, LocalBus, ResetOptions, ResumeOptions } from "../api.js";
import { ReplayError } from "../errors.js";
import { type RunKey, RunStatus } from "../history/index.js";
import { validateName } from "../json.js";
import type { Store } from "../store/types.js";

/** The longest reason terminateRun stores. */
const MAX_REASON_LENGTH = 2000;

/**
 * The client's run controls: cancel, resume, pause and unpause, terminate, reset. Each writes through the store
 * (whose rules in store/rules/ decide what changes), then tells the workers of this process, so a
 * worker that holds the run notices at once (workers elsewhere notice at their next lease renewal).
 */
export class RunControls {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #local: LocalBus;
  readonly #ready: () => Promise<void>;

  constructor(store: Store, clock: Clock, local: LocalBus, ready: () => Promise<void>) {
    this.#store = store;
    this.#clock = clock;
    this.#local = local;
    this.#ready = ready;
  }

  async cancel(key: RunKey): Promise<boolean> {
    await this.#ready();
    const requested = await this.#store.requestCancel(key, this.#clock.now());
    if (requested) this.#local.wake(key.namespace, key);
    return requested;
  }

  async resume(key: RunKey, opts: ResumeOptions): Promise<void> {
    const codeVersion = opts.version === undefined ? undefined : validateName("version", opts.version);
    await this.#ready();
    await this.#store.resumeRun(key, codeVersion, this.#clock.now());
    this.#local.wake(key.namespace, key);
  }

  async setPaused(key: RunKey, paused: boolean): Promise<boolean> {
    await this.#ready();
    const changed = await this.#store.setPaused(key, paused, this.#clock.now());
    // A paused run is poked where it is held. An unpaused one is due now: claimed (see #dueNow).
    if (changed && paused) this.#local.wake(key.namespace, key);
    if (changed && !paused) this.#dueNow(key);
    return changed;
  }

  async terminate(key: RunKey, reason: unknown): Promise<boolean> {
    const why = checkReason(reason);
    await this.#ready();
    const terminated = await this.#store.terminateRun(key, why, this.#clock.now());
    if (!terminated) return false;
    this.#local.wake(key.namespace, key);
    // A parent waiting for it was given its ending: workers here look for work at once.
    this.#local.wake(key.namespace);
    const run = await this.#store.getRun(key);
    this.#local.runEnded(key.namespace, key.workflow, key.runId, {
      status: RunStatus.Terminated,
      ...(run?.error === undefined ? {} : { error: run.error }),
    });
    return true;
  }

  async reset(key: RunKey, options: ResetOptions): Promise<number> {
    const toStep: unknown = options?.toStep;
    if (!Number.isInteger(toStep) || (toStep as number) < 0) {
      throw new ReplayError(
        "INVALID_STEP",
        `invalid toStep ${String(toStep)}: use a whole number from 0 (the steps before it are reused; 0 runs all again)`,
      );
    }
    const codeVersion = options.version === undefined ? undefined : validateName("version", options.version);
    await this.#ready();
    const iteration = await this.#store.resetRun(key, { toStep: toStep as number, codeVersion }, this.#clock.now());
    this.#dueNow(key);
    return iteration;
  }

  /**
   * A run made due now by an operator: workers of this process claim it (with a lease) and poke
   * what they hold, which lets go of an iteration that was reset. Not taken up in-process by
   * name: its first step may start a due attempt without a commit, which only a lease allows.
   */
  #dueNow(key: RunKey): void {
    this.#local.wake(key.namespace);
  }
}

function checkReason(reason: unknown): string {
  if (typeof reason === "string" && reason.length > 0 && reason.length <= MAX_REASON_LENGTH) return reason;
  throw new ReplayError(
    "INVALID_ARGUMENT",
    `invalid reason ${JSON.stringify(reason)}: terminateRun needs a reason of 1 to ${MAX_REASON_LENGTH} characters, e.g. "stuck after the v2 deploy"`,
  );
}
