import type { LocalRunRef } from "../api.js";
import { type RunKey, runKeyId } from "../history/index.js";
import { workerTakes } from "../store/rules/claim-filter.js";
import { takenByRead } from "../store/rules/lease.js";
import { type ClaimedRun, freshClaim } from "../store/types.js";
import type { CachedRun } from "./actor-host.js";
import type { HeldRuns } from "./held-runs.js";
import type { ResolvedWorkerOptions } from "./worker-options.js";

/**
 * A run let go of to wait for a timer or retry due within this long is taken up by the worker
 * that let it go when that is due (see LocalWakes.arm); one due later is left to the claim loop.
 */
const LOCAL_WAKE_WITHIN_MS = 60_000;
/**
 * How long before its wake time such a run is taken up (on real time): leasing it costs a
 * durable write, which is then done by the time the timer is due, and the run waits this last
 * moment in memory, lease held (see RunActor's holdUntil).
 */
const LOCAL_WAKE_LEAD_MS = 20;

/** What local wakes need of their worker. */
export interface LocalWakesHost {
  readonly held: HeldRuns;
  isRunning(): boolean;
  /** Takes up a run leased or read here; `holdUntil`: taken up early, it waits here until then. */
  activate(run: ClaimedRun, holdUntil?: number): void;
  /** Runs a claim round now (see ClaimLoop.kick). */
  kick(byWork?: boolean): void;
  /** The last claim round took all it could: due runs may be waiting for a slot. */
  backlogged(): boolean;
  /** A schedule may have been created or resumed here: the claim loop looks at schedules at once. */
  lookAtSchedules(): void;
  /** An event may have been published here: the claim loop dispatches events at once. */
  lookAtEvents(): void;
}

/**
 * Work that starts in this process is taken up here without waiting for the claim loop: a run
 * started or signalled here (the local bus), and a run this worker let go of to wait for a
 * timer or retry due soon (a local timer takes it up again just before it is due).
 */
export class LocalWakes {
  readonly #options: ResolvedWorkerOptions;
  readonly #host: LocalWakesHost;
  /** Runs this worker let go of until a timer or retry due soon, by run: when, and the local timer's cancel. */
  readonly #wakes = new Map<string, { readonly at: number; cancel: () => void }>();

  constructor(options: ResolvedWorkerOptions, host: LocalWakesHost) {
    this.#options = options;
    this.#host = host;
  }

  /** Listens to the local bus of the namespace; returns the function that stops listening. */
  subscribe(): () => void {
    return this.#options.client.local.onWake(this.#options.namespace, (run) => this.#heard(run));
  }

  /**
   * A named run is taken up directly, or poked when it is held here; the claim loop is kicked
   * only when neither applies.
   */
  #heard(run: LocalRunRef | undefined): void {
    const { held } = this.#host;
    if (run) {
      const actor = held.actor(runKeyId(run));
      if (actor) return void held.pokeOne(actor, run.read);
      if (this.#takeLocal(run)) return;
    }
    this.#host.kick();
    // A wake-up that names no run may be a schedule created or resumed, or an event published
    // here: look at once.
    if (!run) {
      this.#host.lookAtSchedules();
      this.#host.lookAtEvents();
    }
    if (!run && held.actorCount > 0) void held.pokeAll();
  }

  /**
   * A run let go of to wait for its next timer or retry is taken up here when that is due: a
   * local timer, then claimRun (one update by key, with the cached executor when it is still
   * current), instead of the claim loop's poll and claim round. The run stays released
   * meanwhile, so a signal or cancel wakes it as before, and should this worker be gone,
   * another claims it at its wake time.
   */
  arm(key: RunKey, cached: Pick<CachedRun, "wakeAt" | "version">): void {
    const id = runKeyId(key);
    this.#wakes.get(id)?.cancel();
    this.#wakes.delete(id);
    const at = cached.wakeAt;
    const now = this.#now();
    if (at === null || at <= now || at - now > LOCAL_WAKE_WITHIN_MS || !this.#host.isRunning()) return;
    // Only the version is kept: the cache may drop the run meanwhile.
    const { version } = cached;
    const timers = this.#options.client.timers;
    const early = !timers.virtual && at - LOCAL_WAKE_LEAD_MS > now;
    const wake = { at, cancel: () => {} };
    this.#wakes.set(id, wake);
    wake.cancel = timers.at(early ? at - LOCAL_WAKE_LEAD_MS : at, () => {
      if (this.#wakes.get(id) === wake) this.#wakes.delete(id);
      this.#wakeUp(key, version, early ? at : undefined);
    });
  }

  /** True when a local timer of this worker takes up a run due at `at` (see arm). */
  wakesAt(at: number): boolean {
    for (const wake of this.#wakes.values()) if (wake.at === at) return true;
    return false;
  }

  /**
   * The run was taken up before its local timer (a signal, a claim): the timer is moot, and the
   * claim loop, which did not poll at its time (see ClaimLoop), looks for the next wake again.
   */
  taken(id: string): void {
    const wake = this.#wakes.get(id);
    if (!wake) return;
    wake.cancel();
    this.#wakes.delete(id);
    this.#host.kick(false);
  }

  /** Stopping: no run is taken up by a local timer any more. */
  cancelAll(): void {
    for (const wake of this.#wakes.values()) wake.cancel();
    this.#wakes.clear();
  }

  #now(): number {
    return this.#options.client.clock.now();
  }

  /**
   * The local timer of a run let go of fired: lease it by key if it is still as its last step
   * here left it, and take it up. The claim loop is kicked either way: it did not wait for this
   * time (see ClaimLoop), and it claims the run itself when this could not.
   */
  #wakeUp(key: RunKey, version: number, holdUntil: number | undefined): void {
    const id = runKeyId(key);
    const { held } = this.#host;
    // With due runs waiting for a slot, this one queues up behind them in the claim loop.
    const full = this.#host.backlogged() || held.full;
    if (!this.#host.isRunning() || full || held.has(id)) {
      this.#host.kick(false);
      return;
    }
    held.startLoading(id);
    const { identity, leaseMs } = this.#options;
    const options = { owner: identity, now: this.#now(), leaseMs };
    void this.#options.client.store.claimRun(key, version, options).then(
      (claimed) => {
        held.stopLoading(id);
        if (claimed) this.#host.activate(claimed, holdUntil);
        this.#host.kick(false);
      },
      () => {
        held.stopLoading(id);
        this.#host.kick(false);
      },
    );
  }

  /** A run started or signalled in this process: take it up now, without a claim transaction. */
  #takeLocal(run: LocalRunRef): boolean {
    const key = { namespace: this.#options.namespace, workflow: run.workflow, runId: run.runId };
    const id = runKeyId(key);
    const { held } = this.#host;
    if (!this.#host.isRunning()) return false;
    if (this.#options.workflows[run.workflow] === undefined) return false;
    if (held.has(id)) return true;
    if (held.full) return false;
    if (!takesLocally(this.#options, this.#now(), { announced: run })) return false;
    if (run.fresh) {
      // Just created in this process: everything the first step needs is known.
      this.#host.activate(freshClaim(key, run.fresh));
      return true;
    }
    if (run.read) {
      // Read back by the write that woke it (a signal sent here): the same checks as a read here.
      const claimed = takenByRead(run.read, this.#options.identity, this.#now());
      if (claimed === undefined || !takesLocally(this.#options, this.#now(), { read: claimed })) return false;
      this.#host.activate(claimed);
      return true;
    }
    held.startLoading(id);
    void this.#options.client.store.readRun(key, this.#options.identity, this.#now()).then(
      (claimed) => {
        held.stopLoading(id);
        const mine = claimed !== undefined && takesLocally(this.#options, this.#now(), { read: claimed });
        if (mine && !held.has(id)) this.#host.activate(claimed);
        else this.#host.kick();
      },
      () => {
        held.stopLoading(id);
        this.#host.kick();
      },
    );
    return true;
  }
}

/**
 * The in-process take skips the store's claim, so it applies the claim filter itself
 * (store/rules/claim-filter.ts: shard, code version, what the worker can run), plus what only a
 * claim round may take: a queued run goes through its queue's limits, a run not due yet (a delayed
 * one, even when signalled) waits for its time. `announced`: what the local bus said of the run (a run just created here carries its
 * row, `fresh`); `read`: the run's row, read by key once the announcement left it open.
 */
function takesLocally(
  options: Pick<ResolvedWorkerOptions, "shards" | "version" | "can">,
  now: number,
  run: { readonly announced: LocalRunRef } | { readonly read: ClaimedRun },
): boolean {
  if ("announced" in run) {
    const { workflow, runId, fresh } = run.announced;
    if (!workerTakes(options, { workflow, runId, codeVersion: fresh?.codeVersion })) return false;
    return !(fresh?.queue !== undefined || (fresh?.startAt ?? 0) > now);
  }
  // Due: a signal to a run that has not started leaves its start time (rules/wake.ts).
  const due = run.read.dueAt !== undefined && run.read.dueAt <= now;
  return run.read.queue === undefined && due && workerTakes(options, run.read);
}
