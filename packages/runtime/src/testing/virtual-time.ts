import type { Timers } from "../api.js";
import { type ManualClock, manualClock } from "../client/clock.js";

interface Pending {
  readonly time: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/** A clock that moves only when told to, and timers that fire when it passes them. */
export class VirtualTime {
  readonly clock: ManualClock;
  readonly timers: Timers;
  #pending: Pending[] = [];

  constructor(startMs: number) {
    this.clock = manualClock(startMs);
    this.timers = {
      virtual: true,
      at: (time, fn) => {
        const timer: Pending = { time, fn, cancelled: false };
        this.#pending.push(timer);
        return () => {
          timer.cancelled = true;
        };
      },
    };
  }

  /** The earliest time a live timer waits for. */
  next(): number | undefined {
    let next: number | undefined;
    for (const timer of this.#pending)
      if (!timer.cancelled && (next === undefined || timer.time < next)) next = timer.time;
    return next;
  }

  /** Moves the clock to `time` (never back) and fires every timer due by then, earliest first. */
  moveTo(time: number): void {
    if (time > this.clock.now()) this.clock.set(time);
    const now = this.clock.now();
    const due = this.#pending.filter((timer) => !timer.cancelled && timer.time <= now);
    this.#pending = this.#pending.filter((timer) => !timer.cancelled && timer.time > now);
    due.sort((a, b) => a.time - b.time);
    for (const timer of due) timer.fn();
  }
}
