import { type RunKey, runKeyId } from "../history/index.js";
import type { EngineStore } from "../store/types.js";
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

  /** The actor let go of its run; an actor that took the run up since stays. */
  letGo(id: string, actor: RunActor): void {
    if (this.#actors.get(id) === actor) this.#actors.delete(id);
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
   * cancels, a pause, and an operator that terminated or reset a run (its actor lets go).
   */
  async pokeAll(): Promise<void> {
    const held = await this.#through.store.heldRuns(this.#keys()).catch(() => []);
    for (const run of held) this.#actors.get(runKeyId(run.key))?.poke(run);
  }

  /** Something woke one run held here: read what moved and tell its actor. */
  async pokeOne(actor: RunActor): Promise<void> {
    const [run] = await this.#through.store.heldRuns([actor.key]).catch(() => []);
    if (run) actor.poke(run);
  }

  #keys(): RunKey[] {
    return [...this.#actors.values()].map((actor) => actor.key);
  }
}
