import type { Logger } from "../api.js";
import { DatabaseUnreachableError } from "../errors.js";
import { planTicks } from "../schedule/plan.js";
import { serializeError } from "../serialize-error.js";
import type { ClaimedRun, FiredSchedules } from "../store/types.js";
import type { WorkerMetrics } from "../telemetry/metrics.js";
import type { EventDispatch } from "./event-dispatch.js";
import type { HeldRuns } from "./held-runs.js";
import { applySchedules } from "./schedules.js";
import type { ResolvedWorkerOptions } from "./worker-options.js";

/** The shortest poll interval, where adaptive polling starts again after new work. */
const MIN_POLL_MS = 2;

/** What the claim loop needs of its worker. */
export interface ClaimLoopHost {
  readonly held: Pick<HeldRuns, "free" | "actorCount" | "concurrency" | "beginClaimRound" | "endClaimRound">;
  readonly log: Logger;
  /** Published events: dispatched, and debounced runs started, as the loop goes round. */
  readonly events: Pick<EventDispatch, "look" | "nextAt">;
  metrics(): WorkerMetrics;
  isRunning(): boolean;
  /** Takes up a run this loop claimed. */
  activate(run: ClaimedRun): void;
  /** True when a local timer of this worker takes up a run due at `at` (see LocalWakes). */
  wakesAt(at: number): boolean;
}

/**
 * Claims due runs from the store while the worker runs: adaptive polling (from MIN_POLL_MS up
 * to maxPollIntervalMs while idle, back to the shortest on new work), claim rounds over the
 * default queue and the served ones, due schedule ticks, published events to dispatch (see
 * EventDispatch), and a back-off while the database
 * cannot be reached. A kick (local work, a freed slot, stop()) runs a round at once.
 */
export class ClaimLoop {
  readonly #options: ResolvedWorkerOptions;
  readonly #host: ClaimLoopHost;
  /** The last claim round took all it could (or could take none): due runs may be waiting for a slot. */
  #backlog = false;
  #kicked = false;
  /** Whether the last kick came from new work (restarts polling from MIN_POLL_MS) or only a freed slot. */
  #kickedByWork = false;
  /** Ends the current pause early (see #pause). */
  #wakeLoop: (() => void) | undefined;
  #failures = 0;
  /** Which served queue a claim round starts with. */
  #queueTurn = 0;
  /** When schedules are looked at next (client clock); 0: at the next loop. */
  #scheduleCheckAt = 0;
  /** Schedules whose held-back ticks this worker has told of (see FiredSchedules.heldBack). */
  readonly #toldHeldBack = new Set<string>();

  constructor(options: ResolvedWorkerOptions, host: ClaimLoopHost) {
    this.#options = options;
    this.#host = host;
  }

  get backlog(): boolean {
    return this.#backlog;
  }

  /** A schedule may have been created or resumed in this process: look at the schedules at once. */
  lookAtSchedules(): void {
    this.#scheduleCheckAt = 0;
  }

  /**
   * Runs a claim round now. New work (`byWork`, the default) also restarts adaptive polling
   * from its shortest interval; a slot freed by a released run does not: one claim round
   * looks for waiting runs, and an idle worker keeps its interval instead of polling again
   * at 2, 4, 8... ms after every run it finishes.
   */
  kick(byWork = true): void {
    this.#kicked = true;
    if (byWork) this.#kickedByWork = true;
    this.#wakeLoop?.();
  }

  /** Loops until the worker stops. */
  async run(): Promise<void> {
    let idleMs = MIN_POLL_MS;
    let configured = false;
    while (this.#host.isRunning()) {
      // A kick (local producer) restarts adaptive polling from its shortest interval.
      if (this.#kickedByWork) idleMs = MIN_POLL_MS;
      this.#kicked = false;
      this.#kickedByWork = false;
      const free = this.#host.held.free;
      let claimed = 0;
      try {
        if (!configured) configured = await this.#configure();
        await this.#fireSchedules();
        await this.#wakeQueueLines();
        await this.#host.events.look(this.#now());
        if (free > 0) claimed = await this.#claimRound(free);
        this.#backlog = claimed === free;
        this.#recovered();
      } catch (error) {
        await this.#backOff(error);
        continue;
      }
      if (claimed > 0 && claimed === free) {
        idleMs = MIN_POLL_MS;
        continue;
      }
      if (claimed > 0) idleMs = MIN_POLL_MS;
      else idleMs = Math.min(idleMs * 2, this.#options.maxPollIntervalMs);
      await this.#idle(idleMs);
    }
  }

  #now(): number {
    return this.#options.client.clock.now();
  }

  /**
   * Starts the runs of due schedule ticks. Looked at when the earliest known tick is due, and
   * at least once per poll interval (a schedule created by another process), never faster.
   */
  async #fireSchedules(): Promise<void> {
    const now = this.#now();
    if (now < this.#scheduleCheckAt) return;
    const { client, namespace } = this.#options;
    const poll = this.#options.maxPollIntervalMs;
    let fired: FiredSchedules;
    try {
      fired = await client.store.fireSchedules(namespace, now, (due) => planTicks(due, now));
    } catch (error) {
      // The database itself: the claims fail too, and the loop backs off.
      if (error instanceof DatabaseUnreachableError) throw error;
      // Anything else is the schedules' own: claims go on, and the schedules are looked at again later.
      this.#host.log.warn(`cannot fire the schedules (${serializeError(error).message}); claims go on`, { namespace });
      this.#scheduleCheckAt = now + poll;
      return;
    }
    for (const failed of fired.failed ?? []) {
      this.#host.log.warn(
        `schedule ${failed.id} could not start the run of its due tick (${serializeError(failed.error).message}); it goes on from its next tick`,
        { namespace, schedule: failed.id },
      );
    }
    for (const run of fired.started) this.#host.metrics().runStarted(run.workflow);
    this.#tellHeldBack(fired.heldBack ?? []);
    // Named wake-ups would have every worker of this process read the run; a kick claims it once.
    if (fired.started.length > 0) this.kick();
    this.#scheduleCheckAt = Math.min(fired.nextTick ?? Number.POSITIVE_INFINITY, now + poll);
  }

  /** Says once per schedule that its ticks start no runs here: a test environment without `schedules: true`. */
  #tellHeldBack(heldBack: readonly { readonly id: string; readonly tick: number }[]): void {
    for (const { id, tick } of heldBack) {
      if (this.#toldHeldBack.has(id)) continue;
      this.#toldHeldBack.add(id);
      this.#host.log.warn(
        `schedule ${JSON.stringify(id)} came due at ${new Date(tick).toISOString()} and started no run: in a test environment schedules fire only with createTestEnv({ schedules: true })`,
        { namespace: this.#options.namespace, schedule: id },
      );
    }
  }

  /**
   * Wakes the attempts waiting for slots of the served queues whose turn came without a slot
   * being given back (a holder that died, a rate window that moved on; see rules/queue-slots.ts).
   * The runs woken are due now: the claim round that follows takes them. A read without locks
   * per queue when nothing waits.
   */
  async #wakeQueueLines(): Promise<void> {
    const { client, namespace, queueNames } = this.#options;
    for (const queue of queueNames) await client.store.wakeSlotWaiters(namespace, queue, this.#now());
  }

  /**
   * Stores the limits of the queues this worker serves, so every claim of them applies the same,
   * and applies its schedules. Retried with the claim loop's back-off until it succeeds.
   */
  async #configure(): Promise<true> {
    const { client, namespace } = this.#options;
    for (const [queue, limits] of this.#options.queues) {
      await client.store.configureQueue(namespace, queue, limits, this.#now());
    }
    await applySchedules(client, namespace, this.#options.schedules);
    return true;
  }

  /**
   * Claims up to `free` runs: the default queue first, then the served queues, starting each
   * round at the next queue so that none always comes last. Returns how many it claimed.
   */
  async #claimRound(free: number): Promise<number> {
    const queues = this.#options.queueNames;
    const start = queues.length === 0 ? 0 : this.#queueTurn++ % queues.length;
    const order = [undefined, ...queues.slice(start), ...queues.slice(0, start)];
    let claimed = 0;
    // Until the claimed runs are taken up, runs let go of here meanwhile are remembered (see HeldRuns.isStale).
    this.#host.held.beginClaimRound();
    try {
      for (const queue of order) {
        if (claimed >= free || !this.#host.isRunning()) break;
        const heldBack = queue === undefined ? undefined : () => this.#host.metrics().queueLimitWait(queue);
        const runs = await this.#options.client.store.claim({ ...this.#claimOptions(free - claimed), queue, heldBack });
        for (const run of runs) this.#host.activate(run);
        claimed += runs.length;
      }
    } finally {
      this.#host.held.endClaimRound();
    }
    return claimed;
  }

  #claimOptions(limit: number) {
    const { namespace, identity, leaseMs, shards, version, can } = this.#options;
    return { namespace, owner: identity, now: this.#now(), leaseMs, limit, shards, version, can };
  }

  /** Waits for a kick, the next known timer, or the poll interval, whichever is first. */
  async #idle(pollMs: number): Promise<void> {
    if (this.#kicked || !this.#host.isRunning()) return;
    const eventsAt = this.#host.events.nextAt;
    let waitMs = eventsAt === undefined ? pollMs : Math.min(pollMs, Math.max(MIN_POLL_MS, eventsAt - this.#now()));
    const { held } = this.#host;
    if (held.actorCount < held.concurrency) {
      const { client, namespace, queueNames, shards, version, can } = this.#options;
      const filter = { shards, version, can };
      const next = await client.store.nextWake(namespace, this.#now(), queueNames, filter).catch(() => undefined);
      if (next !== undefined) {
        // Never 0: a due run that a claim skipped (locked by a writer) is retried, not spun on.
        const untilNext = Math.max(MIN_POLL_MS, next - this.#now());
        // A wake time a local timer of this worker takes care of is not polled at: the timer
        // kicks the loop once it has taken its run up (see LocalWakes), and a claim round just
        // after it would race it for the run.
        if (!this.#host.wakesAt(next)) waitMs = Math.min(waitMs, untilNext);
        else if (waitMs >= untilNext) waitMs += untilNext;
      }
    }
    if (this.#kicked) return;
    await this.#pause(waitMs);
  }

  /** Sleeps up to `ms`; a kick (new local work, or stop()) ends it early. */
  async #pause(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wakeLoop = done;
    });
    this.#wakeLoop = undefined;
  }

  async #backOff(error: unknown): Promise<void> {
    this.#failures++;
    const delay = Math.min(100 * 2 ** (this.#failures - 1), 10_000);
    this.#host.log.warn(`cannot claim work (${serializeError(error).message}); retrying in ${delay} ms`, {
      attempt: this.#failures,
    });
    // Interruptible, so stop() does not wait out a long back-off; a local kick retries at once.
    await this.#pause(delay);
  }

  #recovered(): void {
    if (this.#failures > 0) this.#host.log.info("database reachable again", { afterFailures: this.#failures });
    this.#failures = 0;
  }
}
