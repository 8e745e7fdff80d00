import type { LocalBus } from "../api.js";
import { createStoreClient, type StoreClient } from "../client/client.js";
import { createLocalBus } from "../client/local-bus.js";
import { type Duration, toMillis } from "../duration.js";
import { ReplayError } from "../errors.js";
import { runKeyId } from "../history/index.js";
import { createMemoryStore, type MemoryStore } from "../store/memory/index.js";
import { busyRuns, dueSchedules, nextWakeOfAll } from "./memory-view.js";
import { VirtualTime } from "./virtual-time.js";

export interface TestEnvOptions {
  /** Where virtual time starts; default: now. */
  readonly start?: Date | number;
  /**
   * Skip time while the test awaits a result: whenever some `awaitResult` on `env.client` is
   * pending and no run has anything to do but wait for a timer, the clock jumps to the next
   * timer. Default false: time moves only by `advance`.
   */
  readonly autoSkip?: boolean;
  /** How long (real time) `advance` waits for runs to settle before it fails. Default 10 s. */
  readonly settleTimeoutMs?: number;
}

/** A client on an in-memory store with a clock the test moves; see createTestEnv. */
export interface TestEnv {
  /** A Client: the generated helpers and createWorker take it as they take a MySQL one. */
  readonly client: StoreClient;
  readonly store: MemoryStore;
  /** The virtual time. */
  now(): Date;
  /**
   * Moves time forward by `duration`, stopping at every timer due on the way (sleeps, signal
   * timeouts, retries, activity timeouts) and waiting each time until every run that has
   * something to do has done it. Resolves with every timer due by then fired.
   */
  advance(duration: Duration): Promise<void>;
  /** Waits until no run is due or held by a worker (activities in flight are waited for). */
  settle(): Promise<void>;
  /** Stops time skipping. Stop your workers first. */
  close(): Promise<void>;
}

/**
 * A test environment without a database: an in-memory store, virtual time, and a client
 * on them. A workflow that sleeps 30 days runs in milliseconds.
 *
 * @example
 * const env = await createTestEnv();
 * const worker = createWorker({ client: env.client, namespace: "shop", workflows, activities });
 * await worker.start();
 * await runOrder(env.client, "o-1", input);
 * await env.advance("2d");              // the order's two-day timeout fires
 * expect(await awaitOrderResult(env.client, "o-1")).toMatchObject({ status: "refunded" });
 */
export async function createTestEnv(options: TestEnvOptions = {}): Promise<TestEnv> {
  const start = options.start === undefined ? Date.now() : Number(options.start);
  const time = new VirtualTime(start);
  const settleTimeoutMs = options.settleTimeoutMs ?? 10_000;
  const served = new Map<string, number>();
  const local = servedBus(createLocalBus(), served);
  let awaiting = 0;
  let advancing = false;
  let closed = false;

  const store = createMemoryStore();
  const client = createStoreClient(store, { clock: time.clock, timers: time.timers, local });
  const awaitResult = client.awaitResult.bind(client);
  client.awaitResult = async (...args) => {
    awaiting++;
    try {
      return await awaitResult(...args);
    } finally {
      awaiting--;
    }
  };

  const now = () => time.clock.now();
  /** Runs a worker should look at now, in namespaces some worker serves. */
  const busy = () =>
    [...busyRuns(store, now()), ...dueSchedules(store, now())].filter((run) => (served.get(run.namespace) ?? 0) > 0);
  const nextTime = (): number | undefined => min(nextWakeOfAll(store, now()), time.next());
  const wakeAll = () => {
    for (const namespace of served.keys()) local.wake(namespace);
  };

  const settle = async (): Promise<void> => {
    const deadline = Date.now() + settleTimeoutMs;
    for (let idle = 0; idle < 3; ) {
      // Three quiet looks in a row: a step may hand work to the next tick (a local wake-up).
      const pending = busy();
      if (pending.length === 0) idle++;
      else {
        idle = 0;
        if (Date.now() > deadline) throw stillBusy(pending.map(runKeyId), settleTimeoutMs);
        for (const namespace of new Set(pending.map((run) => run.namespace))) local.wake(namespace);
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  };

  const moveTo = async (to: number): Promise<void> => {
    time.moveTo(to);
    wakeAll();
    await settle();
  };

  const advance = async (duration: Duration): Promise<void> => {
    const target = now() + toMillis(duration);
    advancing = true;
    try {
      await settle();
      for (let next = nextTime(); next !== undefined && next <= target; next = nextTime()) await moveTo(next);
      await moveTo(target);
    } finally {
      advancing = false;
    }
  };

  const skipLoop = async (): Promise<void> => {
    while (!closed) {
      await new Promise((resolve) => setTimeout(resolve, 2));
      if (closed || advancing || awaiting === 0 || busy().length > 0) continue;
      const next = nextTime();
      if (next !== undefined && next > now()) await moveTo(next).catch(() => {});
    }
  };
  if (options.autoSkip) void skipLoop();

  return {
    client,
    store,
    now: () => new Date(now()),
    advance,
    settle,
    close: async () => {
      closed = true;
    },
  };
}

/** A bus that counts, per namespace, the listeners waiting for wake-ups: the namespaces workers serve. */
function servedBus(bus: LocalBus, served: Map<string, number>): LocalBus {
  return {
    ...bus,
    onWake(namespace, listener) {
      served.set(namespace, (served.get(namespace) ?? 0) + 1);
      const off = bus.onWake(namespace, listener);
      return () => {
        served.set(namespace, (served.get(namespace) ?? 1) - 1);
        off();
      };
    },
  };
}

function min(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

function stillBusy(runs: readonly string[], timeoutMs: number): ReplayError {
  const shown = runs.slice(0, 5).join(", ") + (runs.length > 5 ? `, and ${runs.length - 5} more` : "");
  return new ReplayError(
    "TEST_ENV_BUSY",
    `runs still had work after ${timeoutMs} ms of real time: ${shown}. An activity may be waiting on something that never happens; raise settleTimeoutMs if it is only slow`,
  );
}
