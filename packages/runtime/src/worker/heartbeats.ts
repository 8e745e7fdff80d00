import type { Clock, Timers } from "../api.js";

/** The longest pause between two heartbeat writes when the activity has no heartbeatTimeout. */
const DEFAULT_INTERVAL_MS = 30_000;

/**
 * Throttles an attempt's heartbeat writes: the first is written at once, later ones at most
 * once per interval (half the heartbeatTimeout, so a write lands well before the timeout), and
 * the latest details are always written in the end (trailing). A hot loop of heartbeats costs
 * one write per interval.
 */
export class HeartbeatWriter {
  readonly #write: (detailsText: string) => Promise<void>;
  readonly #clock: Clock;
  readonly #timers: Timers;
  readonly #intervalMs: number;
  #lastWriteAt = Number.NEGATIVE_INFINITY;
  #pending: string | undefined;
  #cancelTrailing: (() => void) | undefined;
  #stopped = false;

  constructor(
    write: (detailsText: string) => Promise<void>,
    env: { readonly clock: Clock; readonly timers: Timers },
    heartbeatTimeoutMs: number | undefined,
  ) {
    this.#write = write;
    this.#clock = env.clock;
    this.#timers = env.timers;
    this.#intervalMs = heartbeatTimeoutMs === undefined ? DEFAULT_INTERVAL_MS : Math.max(1, heartbeatTimeoutMs / 2);
  }

  beat(detailsText: string): void {
    if (this.#stopped) return;
    this.#pending = detailsText;
    const due = this.#lastWriteAt + this.#intervalMs;
    if (this.#clock.now() >= due) this.#flush();
    else this.#cancelTrailing ??= this.#timers.at(due, () => this.#flush());
  }

  /** The attempt ended: no more writes (its outcome is written with the next step). */
  stop(): void {
    this.#stopped = true;
    this.#cancelTrailing?.();
  }

  #flush(): void {
    this.#cancelTrailing?.();
    this.#cancelTrailing = undefined;
    const text = this.#pending;
    if (text === undefined || this.#stopped) return;
    this.#pending = undefined;
    this.#lastWriteAt = this.#clock.now();
    // A lost write only costs the next attempt some progress; the attempt itself goes on.
    void this.#write(text).catch(() => {});
  }
}
