import type { LocalRequest, LocalRequestState, LocalTicket } from "../api.js";
import { type RunKey, runKeyId } from "../history/index.js";
import type { CachedRun } from "./actor-host.js";
import type { LruCache } from "./cache.js";
import type { HeldRuns } from "./held-runs.js";
import { LocalUpdate } from "./local-update.js";
import { answered, answerQuery } from "./run-requests.js";
import type { ResolvedWorkerOptions } from "./worker-options.js";

/** What local requests need of their worker. */
export interface LocalRequestsHost {
  readonly held: HeldRuns;
  readonly cache: LruCache<CachedRun>;
  isRunning(): boolean;
  /** The last claim round took all it could: due runs may be waiting for a slot. */
  backlogged(): boolean;
  /** Takes up a run cached here at once, from its cached state (see RunLoader.activateCached). */
  activateCached(cached: CachedRun): void;
}

/**
 * Updates and queries that clients of this process offer on the local bus, for runs this worker
 * holds or caches: an update is queued for the run's actor (a cached run is taken up at once,
 * with no read, its first commit fenced by version and refused when the run is paused), and its
 * outcome rides the step's own commit; a query is answered from the executor right away (after
 * a read of the run's version when the run is only cached, so the answer is never older than
 * what another worker wrote). A paused run takes neither: both are stored, and wait for it.
 * Other requests are left to the store: the caller writes them and workers find them when the
 * run wakes.
 */
export class LocalRequests {
  readonly #options: ResolvedWorkerOptions;
  readonly #host: LocalRequestsHost;
  /** Updates offered per run (runKeyId), in the order offered, until a step of its actor takes them. */
  readonly #queued = new Map<string, LocalUpdate[]>();

  constructor(options: ResolvedWorkerOptions, host: LocalRequestsHost) {
    this.#options = options;
    this.#host = host;
  }

  /** Listens for requests offered in the namespace; returns the function that stops listening. */
  subscribe(): () => void {
    return this.#options.client.local.onRequest(this.#options.namespace, (request) => this.#offered(request));
  }

  /** The updates offered for the run, for a step to take. */
  take(key: RunKey): LocalUpdate[] {
    const id = runKeyId(key);
    const queued = this.#queued.get(id) ?? [];
    this.#queued.delete(id);
    return queued;
  }

  /** The run was let go of (or could not be taken up) before a step took its updates: their callers store them. */
  dropQueued(key: RunKey): void {
    for (const update of this.take(key)) update.drop();
  }

  /** Stopping: every queued update goes back to its caller. */
  dropAll(): void {
    const all = [...this.#queued.values()].flat();
    this.#queued.clear();
    for (const update of all) update.drop();
  }

  #offered(request: LocalRequest): LocalTicket | undefined {
    if (!this.#host.isRunning() || this.#options.workflows[request.workflow] === undefined) return undefined;
    return request.kind === "query" ? this.#query(request) : this.#update(request);
  }

  #update(request: LocalRequest): LocalTicket | undefined {
    const { held, cache } = this.#host;
    const id = runKeyId(request);
    const actor = held.actor(id);
    // Paused: the caller stores it, and the run takes it up once unpaused.
    if (actor !== undefined && !actor.done && actor.paused) return undefined;
    if (actor !== undefined && !actor.done) {
      const update = this.#queue(id, request);
      actor.pump();
      return update;
    }
    // Loading here: the caller stores it, and the run reads it when its actor steps.
    if (held.has(id)) return undefined;
    const cached = cache.peek(id);
    if (cached === undefined || cached.claim.queue !== undefined || held.full || this.#host.backlogged()) {
      return undefined;
    }
    const update = this.#queue(id, request);
    this.#host.activateCached(cached);
    return update;
  }

  #queue(id: string, request: LocalRequest): LocalUpdate {
    const update = new LocalUpdate(request, () => this.#report(request, { status: "dropped" }));
    const queued = this.#queued.get(id) ?? [];
    queued.push(update);
    this.#queued.set(id, queued);
    return update;
  }

  #query(request: LocalRequest): LocalTicket | undefined {
    const { held, cache } = this.#host;
    const id = runKeyId(request);
    const found = held.actor(id);
    const actor = found !== undefined && !found.done ? found : undefined;
    // Loading here: the caller stores it, and the run answers it when its actor steps.
    if (actor === undefined && held.has(id)) return undefined;
    const cached = actor === undefined ? cache.peek(id) : undefined;
    if (actor === undefined && cached === undefined) return undefined;
    let settled = false;
    const settle = (state: LocalRequestState) => {
      if (settled) return;
      settled = true;
      this.#report(request, state);
    };
    if (actor !== undefined) {
      actor.query(request.name, request.inputText, (answer) =>
        settle(answer ? answered(answer) : { status: "dropped" }),
      );
    } else if (cached !== undefined) {
      void this.#answerCached(request, cached).then(settle);
    }
    return {
      withdraw: () => {
        if (settled) return false;
        settled = true;
        return true;
      },
    };
  }

  /** The answer from a cached run's executor, once a read showed that nobody moved the run on since. */
  async #answerCached(request: LocalRequest, cached: CachedRun): Promise<LocalRequestState> {
    const key = { namespace: this.#options.namespace, workflow: request.workflow, runId: request.runId };
    const { client, identity } = this.#options;
    const run = await client.store.readRun(key, identity, client.clock.now()).catch(() => undefined);
    const current = this.#host.cache.peek(runKeyId(key)) === cached && run?.version === cached.version;
    return current ? answered(answerQuery(cached.executor, request.name, request.inputText)) : { status: "dropped" };
  }

  #report(request: LocalRequest, state: LocalRequestState): void {
    this.#options.client.local.requestSettled(this.#options.namespace, request, state);
  }
}
