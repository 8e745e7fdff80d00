import type { ActivityRegistration } from "../api.js";
import type { RunKey } from "../history/index.js";
import type { RunExecutor } from "../replay/executor.js";
import type { SlotAnswer, SlotRequest } from "../store/types.js";
import { attemptOptions, type PendingActivity } from "./pending-activities.js";
import { decideStep, type StepDecision, type StepFacts } from "./step-decision.js";

/** What a run's activity slots need of the worker. */
export interface SlotsHost {
  readonly owner: string;
  readonly leaseMs: number;
  readonly activities: Readonly<Record<string, ActivityRegistration>>;
  now(): number;
  /** Asks the store for a slot; the runs it woke are told in-process. */
  acquireSlot(request: SlotRequest): Promise<SlotAnswer>;
  /** Gives a slot back; the runs it woke are told in-process. Never throws (the slot's lease ends by itself). */
  releaseSlot(key: RunKey, iteration: number, task: { readonly target: string; readonly seq: number }): Promise<void>;
}

/** A queue slot row to delete with a step. */
type SlotRow = { readonly target: string; readonly seq: number };

/**
 * The activity queue slots of one run held by a worker (see rules/queue-slots.ts): an attempt of
 * an activity with a `queue` starts only once the store granted it a slot of that queue, holds it
 * until it ends, and gives it back then. An attempt that is not granted one waits in the queue's
 * line: it is not due (decideStep), so a run with nothing else to do is let go of, and its queue
 * wakes it when its turn comes. Every step asks again for the attempts that wait.
 */
export class ActivitySlots {
  readonly #key: RunKey;
  readonly #iteration: number;
  readonly #host: SlotsHost;

  constructor(key: RunKey, iteration: number, host: SlotsHost) {
    this.#key = key;
    this.#iteration = iteration;
    this.#host = host;
  }

  /**
   * Before a step decides: the queue of each requested activity is looked up once (its options'
   * `queue`), and those that waited for a slot are due again, to ask once more.
   */
  route(requested: readonly PendingActivity[], executor: RunExecutor): void {
    for (const activity of requested) {
      activity.awaitingSlot = false;
      if (activity.queue !== undefined) continue;
      activity.queue = this.#options(activity, executor).queue ?? null;
    }
  }

  /** Asks for a slot for each queued activity among those a step starts; returns those that must wait. */
  /**
   * What becomes of a run that goes on (see decideStep), once the attempts it would start that go
   * through an activity queue asked for their slots: those that must wait are not due. A paused
   * run starts nothing, so asks for none.
   */
  async decide(
    pending: Iterable<PendingActivity>,
    executor: RunExecutor,
    paused: boolean,
    factsOf: (requested: readonly PendingActivity[]) => StepFacts,
  ): Promise<StepDecision> {
    const requested = [...pending].filter((activity) => executor.activityInput(activity.target, activity.seq));
    this.route(requested, executor);
    const decision = decideStep(factsOf(requested));
    if (!decision.hold || decision.start.length === 0 || paused) return decision;
    const waiting = await this.acquire(decision.start, executor);
    return waiting.length === 0 ? decision : decideStep(factsOf(requested));
  }

  async acquire(starting: readonly PendingActivity[], executor: RunExecutor): Promise<PendingActivity[]> {
    const waiting: PendingActivity[] = [];
    for (const activity of starting) {
      const queue = activity.queue;
      if (queue === null || queue === undefined || activity.slot) continue;
      const now = this.#host.now();
      const answer = await this.#host.acquireSlot({
        key: this.#key,
        iteration: this.#iteration,
        target: activity.target,
        seq: activity.seq,
        queue,
        concurrencyKey: this.#options(activity, executor).concurrencyKey ?? null,
        owner: this.#host.owner,
        now,
        leaseUntil: now + this.#host.leaseMs,
      });
      if (answer.granted) activity.slot = true;
      else {
        activity.awaitingSlot = true;
        waiting.push(activity);
      }
    }
    return waiting;
  }

  /** An attempt ended: its slot goes back, so the next in line may start. */
  async release(activity: PendingActivity): Promise<void> {
    if (!activity.slot) return;
    activity.slot = false;
    await this.#host.releaseSlot(this.#key, this.#iteration, activity);
  }

  /**
   * The slot rows a step deletes (StepWrite.slotDeletes): those of queued activities the workflow
   * no longer waits for (a cancel took them back), or, when the step ends the iteration, of every
   * queued activity, so no wait of this run stays in a queue's line.
   */
  dropped(pending: Iterable<PendingActivity>, executor: RunExecutor, ending: boolean): SlotRow[] {
    const rows: SlotRow[] = [];
    for (const activity of pending) {
      if (activity.queue === null || activity.queue === undefined) continue;
      const waitedFor = activity.controller !== undefined || executor.activityInput(activity.target, activity.seq);
      if (!ending && waitedFor) continue;
      rows.push({ target: activity.target, seq: activity.seq });
      activity.queue = null;
    }
    return rows;
  }

  /** True while an attempt of the run holds a slot: its lease is renewed with the run's. */
  holds(pending: Iterable<PendingActivity>): boolean {
    for (const activity of pending) if (activity.slot) return true;
    return false;
  }

  #options(activity: PendingActivity, executor: RunExecutor) {
    return attemptOptions(this.#host.activities[activity.target], executor, activity.target, activity.seq);
  }
}
