import { type RunKey, runKeyId } from "../history/index.js";
import type { ClaimedRun, EngineStore, RunSnapshot } from "../store/types.js";
import type { RunLogRef } from "../telemetry/logging.js";
import type { RunActor } from "./run-actor.js";

/** What HeldRuns reads through: the store, as this worker. */
export interface HeldRunsStore {
  readonly store: EngineStore;
  readonly owner: string;
  now(): number;
}

/**
 * The runs this worker works on, by runKeyId: each taken up by an actor, or still loading
 * (claimed or read, its history on the way). Both count against the worker's concurrency. They
 * are the only leases the worker renews, and the runs it pokes when something outside moved them.
 */
export class HeldRuns {
  readonly concurrency: number;
  readonly #actors = new Map<string, RunActor>();
  readonly #loading = new Set<string>();
  readonly #through: HeldRunsStore;
  /** A claim round is in flight (see beginClaimRound). */
  #claiming = false;
  /** The runs let go of here while the claim round in flight ran, with the version each was let go at. */
  readonly #letGoWhileClaiming = new Map<string, number>();

  constructor(concurrency: number, through: HeldRunsStore) {
    this.concurrency = concurrency;
    this.#through = through;
  }

  /** Runs taken up by an actor (those still loading not counted). */
  get actorCount(): number {
    return this.#actors.size;
  }

  /** Runs taken up or loading. */
  get count(): number {
    return this.#actors.size + this.#loading.size;
  }

  /** How many more runs this worker may take up now. */
  get free(): number {
    return this.concurrency - this.count;
  }

  get full(): boolean {
    return this.count >= this.concurrency;
  }

  /** True when the run is taken up or loading here. */
  has(id: string): boolean {
    return this.#actors.has(id) || this.#loading.has(id);
  }

  actor(id: string): RunActor | undefined {
    return this.#actors.get(id);
  }

  actors(): IterableIterator<RunActor> {
    return this.#actors.values();
  }

  startLoading(id: string): void {
    this.#loading.add(id);
  }

  stopLoading(id: string): void {
    this.#loading.delete(id);
  }

  hold(id: string, actor: RunActor): void {
    this.#actors.set(id, actor);
  }

  /** The actor let go of its run at `actor.version`; an actor that took the run up since stays. */
  letGo(id: string, actor: Pick<RunActor, "version">): void {
    if (this.#actors.get(id) === actor) this.#actors.delete(id);
    if (!this.#claiming) return;
    this.#letGoWhileClaiming.set(id, Math.max(actor.version, this.#letGoWhileClaiming.get(id) ?? 0));
  }

  /**
   * A claim round reads and leases its runs in the store, and its answer comes back later:
   * meanwhile an actor here that took one of those runs up without a lease (readRun, told by
   * the local bus) may have stepped it on and let go of it. Between beginClaimRound and
   * endClaimRound, HeldRuns remembers the version each run was let go of at, so that such a
   * claim is recognised as stale (see isStale) instead of taken up at the version it read.
   */
  beginClaimRound(): void {
    this.#claiming = true;
  }

  endClaimRound(): void {
    this.#claiming = false;
    this.#letGoWhileClaiming.clear();
  }

  /**
   * True when this worker let go of the run at a later version than `run` was claimed at: the
   * claim read the run before this worker's own later steps of it. An actor taken up from it
   * would replay today's history under yesterday's version: its first commit is refused, and
   * an attempt it starts without a commit (decideStep) runs for nothing, to run again after.
   */
  isStale(run: ClaimedRun): boolean {
    const letGoAt = this.#letGoWhileClaiming.get(runKeyId(run));
    return letGoAt !== undefined && run.version < letGoAt;
  }

  /** Shutdown: every actor aborts what it runs and lets go without writing more. */
  stopAll(reason: unknown): void {
    for (const actor of this.#actors.values()) actor.stopNow(reason);
    this.#actors.clear();
  }

  /** The run as log lines name it: with its trace id while an actor holds it. */
  logRefOf(key: RunKey): RunLogRef {
    return this.#actors.get(runKeyId(key))?.logRef ?? key;
  }

  /** Renews the leases of the runs taken up here, and the queue slots their attempts hold, to `until`. */
  async renewLeases(until: number): Promise<void> {
    const { store, owner } = this.#through;
    await store.renewLeases(this.#keys(), owner, until);
    const slotted = [...this.#actors.values()].filter((actor) => actor.holdsSlots).map((actor) => actor.key);
    if (slotted.length > 0) await store.renewSlots(slotted, owner, until);
  }

  /**
   * What reached runs while they are held here (activities running) is picked up now: signals,
   * requests, cancels, a pause, and an operator that terminated or reset a run (its actor lets go).
   */
  async pokeAll(): Promise<void> {
    const held = await this.#through.store.heldRuns(this.#keys()).catch(() => []);
    for (const run of held) this.#actors.get(runKeyId(run.key))?.poke(run);
  }

  /**
   * Something woke one run held here: read what moved and tell its actor. `read`: the run as the
   * write that woke it read it back (a signal sent here), its signals along: told as it is, unread.
   */
  async pokeOne(actor: RunActor, read?: RunSnapshot<ClaimedRun>): Promise<void> {
    if (read !== undefined) {
      const { claimed } = read;
      const { version, wakeGen, cancelRequested } = claimed;
      const run = { version, wakeGen, cancelRequested, status: read.status, paused: read.paused };
      actor.poke(claimed.requestGen === undefined ? run : { ...run, requestGen: claimed.requestGen }, claimed.signals);
      return;
    }
    const [run] = await this.#through.store.heldRuns([actor.key]).catch(() => []);
    if (run) actor.poke(run);
  }

  #keys(): RunKey[] {
    return [...this.#actors.values()].map((actor) => actor.key);
  }
}
