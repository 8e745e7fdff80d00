import type { Worker, WorkerOptions } from "../api.js";
import { DatabaseUnreachableError, ReplayError } from "../errors.js";
import { serializeError } from "../serialize-error.js";
import type { Presence } from "../store/types.js";
import { replaykitMeter, WorkerMetrics } from "../telemetry/metrics.js";
import { type MetricsServer, startMetricsServer } from "../telemetry/prometheus.js";
import { Tracing } from "../telemetry/tracing.js";
import type { CachedRun } from "./actor-host.js";
import { LruCache } from "./cache.js";
import { ClaimLoop, type ClaimLoopHost } from "./claim-loop.js";
import { EventDispatch } from "./event-dispatch.js";
import { HeldRuns } from "./held-runs.js";
import { LocalRequests, type LocalRequestsHost } from "./local-requests.js";
import { LocalWakes, type LocalWakesHost } from "./local-wakes.js";
import { RunHost, type RunHostParts } from "./run-host.js";
import { RunLoader, type RunLoaderHost } from "./run-loader.js";
import { WorkerLog } from "./worker-log.js";
import { type ResolvedWorkerOptions, resolveWorkerOptions } from "./worker-options.js";

/** Counts workflow-function invocations (a replay from the start is one). For tests and benchmarks. */
export interface WorkerStats {
  readonly workflowInvocations: number;
  readonly claims: number;
  readonly cacheHits: number;
}

/**
 * Creates a worker that runs the namespace's workflows and activities.
 *
 * @example
 * const worker = createWorker({ client, namespace: "shop", workflows: { order }, activities: { charge } });
 * await worker.start();
 * // ...
 * await worker.stop();
 */
export function createWorker(
  options: WorkerOptions,
): Worker & { readonly stats: WorkerStats; readonly metricsUrl: string | undefined } {
  return new ReplayWorker(options);
}

/**
 * The worker's lifecycle: start (schema check, metrics endpoint, presence, then the loops) and
 * stop (drain, release, close). The work itself is done by its parts, wired here: the claim
 * loop, local wakes, the loader, and the run host that every run actor works through.
 */
class ReplayWorker implements Worker {
  readonly identity: string;
  readonly #options: ResolvedWorkerOptions;
  readonly #log: WorkerLog;
  readonly #held: HeldRuns;
  readonly #cache: LruCache<CachedRun>;
  readonly #claimLoop: ClaimLoop;
  readonly #events: EventDispatch;
  readonly #wakes: LocalWakes;
  readonly #requests: LocalRequests;
  readonly #loader: RunLoader;
  readonly #runHost: RunHost;
  #metrics: WorkerMetrics;
  /** The Prometheus endpoint of `metrics: { port }`, once started. */
  #metricsServer: MetricsServer | undefined;
  /** Says this worker is alive while it runs (see EngineStore.holdPresence). */
  #presence: Presence | undefined;
  #state: "new" | "running" | "stopping" | "stopped" = "new";
  #started: Promise<void> | undefined;
  #loop: Promise<void> | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | undefined;
  #unsubscribeRequests: (() => void) | undefined;
  #stopWatching: (() => void) | undefined;

  constructor(input: WorkerOptions) {
    const options = resolveWorkerOptions(input);
    this.#options = options;
    this.identity = options.identity;
    const { client } = options;
    const through = { store: client.store, owner: options.identity, now: () => client.clock.now() };
    this.#held = new HeldRuns(options.concurrency, through);
    this.#log = new WorkerLog(options.logger, client.clock, (key) => this.#held.logRefOf(key));
    // A run dropped from the cache (evicted, stale, worker stopped) is let go of: its span ends.
    this.#cache = new LruCache(options.cacheSize, (cached) => cached.span.release());
    // With `metrics: { port }` the worker records through the endpoint's provider, made by start().
    const ownEndpoint = options.metrics?.port !== undefined;
    this.#metrics = this.#metricsOn(ownEndpoint ? undefined : replaykitMeter(options.metrics?.meterProvider));
    // The parts call each other through these hosts once the worker runs, never while it is built.
    this.#events = new EventDispatch(options, {
      log: this.#log,
      woke: (runs) => {
        for (const run of runs) client.local.wake(run.namespace, run);
      },
    });
    this.#claimLoop = new ClaimLoop(options, this.#claimLoopHost());
    this.#wakes = new LocalWakes(options, this.#localWakesHost());
    this.#requests = new LocalRequests(options, this.#localRequestsHost());
    this.#runHost = new RunHost(options, this.#runHostParts());
    this.#loader = new RunLoader(options, this.#loaderHost());
  }

  #claimLoopHost(): ClaimLoopHost {
    return {
      held: this.#held,
      log: this.#log,
      events: this.#events,
      metrics: () => this.#metrics,
      isRunning: () => this.#state === "running",
      activate: (run) => this.#loader.activate(run),
      wakesAt: (at) => this.#wakes.wakesAt(at),
    };
  }

  #localWakesHost(): LocalWakesHost {
    return {
      held: this.#held,
      isRunning: () => this.#state === "running",
      activate: (run, holdUntil) => this.#loader.activate(run, holdUntil),
      kick: (byWork) => this.#claimLoop.kick(byWork),
      backlogged: () => this.#claimLoop.backlog,
      lookAtSchedules: () => this.#claimLoop.lookAtSchedules(),
      lookAtEvents: () => this.#events.lookNow(),
    };
  }

  #localRequestsHost(): LocalRequestsHost {
    return {
      held: this.#held,
      cache: this.#cache,
      isRunning: () => this.#state === "running",
      backlogged: () => this.#claimLoop.backlog,
      activateCached: (cached) => this.#loader.activateCached(cached),
    };
  }

  #runHostParts(): RunHostParts {
    return {
      held: this.#held,
      cache: this.#cache,
      log: this.#log,
      metrics: () => this.#metrics,
      isRunning: () => this.#state === "running",
      replay: (run, iteration) => this.#loader.replay(run, iteration),
      armWake: (key, cached) => this.#wakes.arm(key, cached),
      takeLocalUpdates: (key) => this.#requests.take(key),
      dropLocalUpdates: (key) => this.#requests.dropQueued(key),
      kick: (byWork) => this.#claimLoop.kick(byWork),
    };
  }

  #loaderHost(): RunLoaderHost {
    return {
      held: this.#held,
      cache: this.#cache,
      tracing: new Tracing(this.#options.tracerProvider),
      actors: this.#runHost,
      taken: (id) => this.#wakes.taken(id),
      dropLocalUpdates: (key) => this.#requests.dropQueued(key),
      kick: (byWork) => this.#claimLoop.kick(byWork),
    };
  }

  get stats(): WorkerStats {
    return this.#loader.stats;
  }

  /** Where Prometheus scrapes this worker (`metrics: { port }`), once started; else undefined. */
  get metricsUrl(): string | undefined {
    return this.#metricsServer?.url;
  }

  #metricsOn(meter: ReturnType<typeof replaykitMeter>): WorkerMetrics {
    const { client, namespace, queueNames } = this.#options;
    const metrics = new WorkerMetrics(namespace, meter);
    const countQueued = async (queue: string) =>
      (await client.store.countRuns({ namespace, queue }, client.clock.now())).queued;
    metrics.observeQueueDepth(queueNames, countQueued);
    return metrics;
  }

  /** `metrics: { port }`: the worker records through a provider of its own, which the endpoint serves. */
  async #serveMetrics(): Promise<void> {
    const port = this.#options.metrics?.port;
    if (port === undefined) return;
    const host = this.#options.metrics?.host;
    this.#metricsServer = await startMetricsServer(host === undefined ? { port } : { port, host });
    this.#metrics = this.#metricsOn(replaykitMeter(this.#metricsServer.meterProvider));
  }

  /** Starts the loops; calling it again while the worker runs is a no-op. */
  start(): Promise<void> {
    if (this.#state === "new") this.#started = this.#begin();
    if (this.#started && this.#state === "running") return this.#started;
    return Promise.reject(
      new ReplayError("WORKER_STOPPED", `worker ${this.identity} was stopped; create a new worker instead`),
    );
  }

  async #begin(): Promise<void> {
    this.#state = "running";
    const store = this.#options.client.store;
    try {
      await store.checkSchema();
    } catch (error) {
      // A database that is down may come back: the loops wait for it. A database without
      // replaykit's tables, or one we may not use, will not fix itself: say so now.
      if (!(error instanceof DatabaseUnreachableError)) {
        this.#state = "new";
        this.#started = undefined;
        throw error;
      }
    }
    try {
      await this.#serveMetrics();
    } catch (error) {
      this.#state = "stopped";
      throw error;
    }
    // Before any claim: a run this worker takes over and then freezes on must find it present.
    const presence = await store.holdPresence(this.identity);
    if (this.#state !== "running") {
      // stop() came meanwhile and found nothing to end.
      await presence.close();
      return;
    }
    this.#presence = presence;
    this.#unsubscribe = this.#wakes.subscribe();
    this.#unsubscribeRequests = this.#requests.subscribe();
    this.#heartbeat = setInterval(() => void this.#beat(), Math.max(50, Math.floor(this.#options.leaseMs / 3)));
    this.#heartbeat.unref?.();
    this.#stopWatching = this.#log.watchEventLoop();
    this.#loop = this.#claimLoop.run();
  }

  async stop(): Promise<void> {
    if (this.#state !== "running") return;
    this.#state = "stopping";
    this.#wakes.cancelAll();
    this.#unsubscribeRequests?.();
    this.#requests.dropAll();
    this.#claimLoop.kick();
    await this.#loop;
    const deadline = Date.now() + this.#options.stopTimeoutMs;
    while (this.#held.count > 0 && Date.now() < deadline) await sleep(10);
    this.#held.stopAll(new ReplayError("WORKER_STOPPED", `worker ${this.identity} stopped`));
    this.#cache.clear();
    clearInterval(this.#heartbeat);
    this.#stopWatching?.();
    this.#unsubscribe?.();
    const { client, namespace } = this.#options;
    await client.store.releaseAll(namespace, this.identity, client.clock.now()).catch((error: unknown) => {
      this.#log.warn("could not release leases on stop; they end by themselves", {
        error: serializeError(error).message,
      });
    });
    await this.#metricsServer?.close();
    await this.#presence?.close();
    this.#state = "stopped";
  }

  /** Renews leases of held runs and pokes those that something woke from outside. */
  async #beat(): Promise<void> {
    if (this.#held.actorCount === 0) return;
    try {
      await this.#held.renewLeases(this.#options.client.clock.now() + this.#options.leaseMs);
      await this.#held.pokeAll();
    } catch (error) {
      this.#log.warn(`could not renew leases: ${serializeError(error).message}`);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
