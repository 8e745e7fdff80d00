import type { LocalBus } from "../api.js";
import { createStoreClient, type StoreClient } from "../client/client.js";
import { createLocalBus } from "../client/local-bus.js";
import type { Duration } from "../duration.js";
import type { PayloadOptions } from "../payload/options.js";
import { createMemoryStore, type MemoryStore } from "../store/memory/index.js";
import { busyRuns, dueSchedules, nextWakeOfAll, pendingEvents } from "./memory-view.js";
import { TimeSkipper } from "./time-skipper.js";
import { VirtualTime } from "./virtual-time.js";

/** Also the payload options of a client (codecs, payloadStore, offloadAbove, secretFields) and its payload limit. */
export interface TestEnvOptions extends PayloadOptions {
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
  /**
   * Whether schedules fire: their due ticks start runs, and `advance` stops at each tick. Default
   * false: a schedule (the manifest's, which the generated worker starter creates, or one of
   * `createSchedule`) is kept, listed and triggered by hand (`triggerSchedule`), but a tick that
   * comes due starts no run, and each worker says so once per schedule (a warning). A test of a
   * scheduled workflow turns this on; the others stay free of runs they did not start.
   */
  readonly schedules?: boolean;
  /** Largest payload in bytes of UTF-8 JSON; default 1 MiB. */
  readonly maxPayloadBytes?: number;
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
 * on them. A workflow that sleeps 30 days runs in milliseconds. Schedules do not fire unless
 * `schedules: true` (see TestEnvOptions.schedules).
 *
 * @example
 * const env = await createTestEnv();
 * const worker = createWorker({ client: env.client, namespace: "shop", workflows, activities });
 * await worker.start();
 * await runOrder(env.client, "o-1", input);
 * await env.advance("2d");              // the order's two-day timeout fires
 * expect(await awaitOrderResult(env.client, "o-1")).toMatchObject({ status: "refunded" });
 * await worker.stop();
 * await env.close();
 */
export async function createTestEnv(options: TestEnvOptions = {}): Promise<TestEnv> {
  const start = options.start === undefined ? Date.now() : Number(options.start);
  const time = new VirtualTime(start);
  const settleTimeoutMs = options.settleTimeoutMs ?? 10_000;
  const served = new Map<string, number>();
  const local = servedBus(createLocalBus(), served);
  const store = createMemoryStore({ scheduleTicks: options.schedules === true });

  const now = () => time.clock.now();
  /** Runs a worker should look at now, in namespaces some worker serves. */
  const busy = () =>
    [...busyRuns(store, now()), ...dueSchedules(store, now()), ...pendingEvents(store, now())].filter(
      (run) => (served.get(run.namespace) ?? 0) > 0,
    );
  const nextTime = (): number | undefined => min(nextWakeOfAll(store, now()), time.next());
  const skipper = new TimeSkipper({ time, local, served: () => served.keys(), busy, nextTime, settleTimeoutMs });
  // The client tells the skipper when an awaitResult begins and ends: time skips only while one waits.
  const { codecs, payloadStore, offloadAbove, secretFields, maxPayloadBytes } = options;
  const client = createStoreClient(store, {
    codecs,
    payloadStore,
    offloadAbove,
    secretFields,
    ...(maxPayloadBytes === undefined ? {} : { maxPayloadBytes }),
    clock: time.clock,
    timers: time.timers,
    local,
    awaitObserver: skipper,
  });
  if (options.autoSkip) void skipper.skipWhileAwaited();

  return {
    client,
    store,
    now: () => new Date(now()),
    advance: (duration) => skipper.advance(duration),
    settle: () => skipper.settle(),
    close: async () => skipper.close(),
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
