import type { Logger } from "../api.js";
import type { RunKey } from "../history/index.js";
import { triggerPlans } from "./triggers.js";
import type { ResolvedWorkerOptions } from "./worker-options.js";

/** Events dispatched per transaction. */
const DISPATCH_BATCH = 100;
/** Debounce windows fired per transaction. */
const FIRE_BATCH = 100;
/** How often a worker deletes the published events older than its eventRetention. */
const PURGE_EVERY_MS = 60_000;
const PURGE_BATCH = 1000;

/** What event dispatch needs of its worker. */
export interface EventDispatchHost {
  readonly log: Logger;
  /** Runs an event reached or started: take them up in this process, or have them claimed. */
  woke(runs: readonly RunKey[]): void;
}

/**
 * The worker's part in published events, called by the claim loop: dispatches the events no
 * worker dispatched yet (delivered to the waits they match, runs of the triggers started; see
 * EngineStore.dispatchEvents), starts the runs of due debounce windows, and deletes events older
 * than the retention. Looked at once per poll interval, at once after a publish in this process
 * (lookNow), and when a debounce window it knows of is due.
 */
export class EventDispatch {
  readonly #options: ResolvedWorkerOptions;
  readonly #host: EventDispatchHost;
  /** When events are looked at next (client clock); 0: at the next look. */
  #dispatchAt = 0;
  /** The earliest open debounce window of the namespace, as last read. */
  #debounceAt: number | undefined;
  #purgeAt = 0;

  constructor(options: ResolvedWorkerOptions, host: EventDispatchHost) {
    this.#options = options;
    this.#host = host;
  }

  /** An event may have been published in this process: look at once. */
  lookNow(): void {
    this.#dispatchAt = 0;
  }

  /** When this role has work next (the claim loop's idle waits no longer). */
  get nextAt(): number | undefined {
    return this.#debounceAt === undefined ? this.#dispatchAt : Math.min(this.#dispatchAt, this.#debounceAt);
  }

  /**
   * Does what is due by `now`; throws what the store throws (the claim loop backs off). Debounce
   * windows are looked at with every dispatch too: another worker may have opened them.
   */
  async look(now: number): Promise<void> {
    let looked = false;
    if (now >= this.#dispatchAt) {
      await this.#dispatch(now);
      this.#dispatchAt = now + this.#options.maxPollIntervalMs;
      looked = true;
    }
    if (looked || (this.#debounceAt !== undefined && now >= this.#debounceAt)) await this.#fireDebounces(now);
    if (now >= this.#purgeAt) {
      this.#purgeAt = now + PURGE_EVERY_MS;
      await this.#purge(now);
    }
  }

  /** Dispatches every undispatched event. */
  async #dispatch(now: number): Promise<void> {
    const { client, namespace, triggers, version } = this.#options;
    for (let more = true; more; ) {
      const done = await client.store.dispatchEvents(namespace, now, DISPATCH_BATCH, (event) => {
        const { plans, problems } = triggerPlans(triggers, event, version);
        for (const problem of problems) this.#host.log.warn(problem, { event: event.name });
        return plans;
      });
      this.#host.woke([...done.woken, ...done.started]);
      more = done.more;
    }
  }

  async #fireDebounces(now: number): Promise<void> {
    const { client, namespace } = this.#options;
    for (;;) {
      const fired = await client.store.fireDebounces(namespace, now, FIRE_BATCH);
      this.#host.woke(fired.started);
      // A window still due is another worker's (locked), or of a run that existed: looked at again soon.
      this.#debounceAt = fired.next;
      if (fired.started.length < FIRE_BATCH) return;
    }
  }

  async #purge(now: number): Promise<void> {
    const { client, namespace, eventRetentionMs } = this.#options;
    while ((await client.store.purgeEvents(namespace, now - eventRetentionMs, PURGE_BATCH)) === PURGE_BATCH) {
      // Another batch: the table is kept to what the retention allows.
    }
  }
}
