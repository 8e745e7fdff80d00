import type { LocalBus } from "../api.js";
import type { AwaitResultObserver } from "../client/client.js";
import { type Duration, toMillis } from "../duration.js";
import { type RunKey, runKeyId } from "../history/index.js";
import { TestEnvBusyError } from "./errors.js";
import type { VirtualTime } from "./virtual-time.js";

/** What the time skipper reads of the test environment. */
export interface SkippedWorld {
  readonly time: VirtualTime;
  /** Wakes the workers of a namespace. */
  readonly local: LocalBus;
  /** The namespaces some worker serves. */
  served(): Iterable<string>;
  /** Runs a worker should look at now, in namespaces some worker serves. */
  busy(): RunKey[];
  /** The next time something is due: a run's wake-up, a schedule's tick, or a timer. */
  nextTime(): number | undefined;
  /** How long (real time) to wait for runs to settle before failing with TestEnvBusyError. */
  readonly settleTimeoutMs: number;
}

/**
 * Moves virtual time: by `advance`, stopping at every timer due on the way, and (with
 * `skipWhileAwaited`) by itself while an `awaitResult` of the client waits and every run only
 * waits for a timer. It is the client's AwaitResultObserver: the client says when a wait
 * begins and ends.
 */
export class TimeSkipper implements AwaitResultObserver {
  readonly #world: SkippedWorld;
  #awaiting = 0;
  #advancing = false;
  #closed = false;

  constructor(world: SkippedWorld) {
    this.#world = world;
  }

  awaitBegan(): void {
    this.#awaiting++;
  }

  awaitEnded(): void {
    this.#awaiting--;
  }

  /** See TestEnv.settle. */
  async settle(): Promise<void> {
    const world = this.#world;
    const settleTimeoutMs = world.settleTimeoutMs;
    const deadline = Date.now() + settleTimeoutMs;
    for (let idle = 0; idle < 3; ) {
      // Three quiet looks in a row: a step may hand work to the next tick (a local wake-up).
      const pending = world.busy();
      if (pending.length === 0) idle++;
      else {
        idle = 0;
        if (Date.now() > deadline) throw new TestEnvBusyError(pending.map(runKeyId), settleTimeoutMs);
        for (const namespace of new Set(pending.map((run) => run.namespace))) world.local.wake(namespace);
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  /** See TestEnv.advance. */
  async advance(duration: Duration): Promise<void> {
    const world = this.#world;
    const target = world.time.clock.now() + toMillis(duration);
    this.#advancing = true;
    try {
      await this.settle();
      for (let next = world.nextTime(); next !== undefined && next <= target; next = world.nextTime()) {
        await this.#moveTo(next);
      }
      await this.#moveTo(target);
    } finally {
      this.#advancing = false;
    }
  }

  /** Until close: whenever a result is awaited and no run has work, jumps to the next timer. */
  async skipWhileAwaited(): Promise<void> {
    const world = this.#world;
    while (!this.#closed) {
      await new Promise((resolve) => setTimeout(resolve, 2));
      if (this.#closed || this.#advancing || this.#awaiting === 0 || world.busy().length > 0) continue;
      const next = world.nextTime();
      if (next !== undefined && next > world.time.clock.now()) await this.#moveTo(next).catch(() => {});
    }
  }

  close(): void {
    this.#closed = true;
  }

  async #moveTo(to: number): Promise<void> {
    this.#world.time.moveTo(to);
    for (const namespace of this.#world.served()) this.#world.local.wake(namespace);
    await this.settle();
  }
}
