import { afterAll, beforeAll, describe, inject } from "vitest";
import { createClient, createMemoryStore, type RunKey, type StepWrite, type Store } from "../../src/index.js";
import { createScratchDatabase, type ScratchDatabase } from "../../src/testing/index.js";
import { STORE_KINDS, type StoreKind } from "../support/helpers.js";

/*
 * The harness of the Store contract (the files of this folder): what the engine and the
 * client rely on, through the interface alone, run against every store. A new store passes
 * these suites before the engine tests run on it.
 */

export const T = Date.UTC(2030, 0, 1);
/** What the claims of these tests can run: every workflow they create, and any activity. */
export const CAN = { workflows: ["wf", "kid"], activities: ["a", "imp"] };
export const key = (runId: string, workflow = "wf"): RunKey => ({ namespace: "conf", workflow, runId });
let ids = 0;
/** A run key of namespace "conf" used by no other test. */
export const fresh = (prefix: string) => key(`${prefix}-${++ids}`);

/** A step of `run` by "w1" against version 0 at T + 10 that writes nothing; `overrides` fills it in. */
export function step(run: RunKey, overrides: Partial<StepWrite> = {}): StepWrite {
  return {
    key: run,
    owner: "w1",
    iteration: 0,
    expectedVersion: 0,
    firstPos: 1,
    events: [],
    taskWrites: [],
    taskDeletes: [],
    signalsConsumed: [],
    childStarts: [],
    signalsSent: [],
    cancelChildren: [],
    observedWakeGen: 0,
    // What a worker that read a fresh run saw; a test whose run moved since exercises the slow way.
    seen: { requestGen: 0, cancelRequested: false, paused: false },
    now: T + 10,
    hasTaskRows: false,
    hold: false,
    leaseUntil: T + 10_000,
    wakeAt: T + 5000,
    ...overrides,
  };
}

/** One store of one kind for the suites of a file. */
export interface StoreUnderTest {
  readonly kind: StoreKind;
  /** The store, usable inside tests (it is created before the file's first test). */
  readonly store: Store;
  /** The scratch database behind a MariaDB store. */
  readonly db: ScratchDatabase | undefined;
  /** Creates `run` in the store with `input` at `now`. */
  create(run: RunKey, input?: unknown, now?: number): Promise<boolean>;
}

/**
 * Runs `suite` once per store kind (STORE_KINDS), named "the <kind> store" > `area`, each on a
 * store of its own for the file.
 */
export function conformance(area: string, suite: (env: StoreUnderTest) => void): void {
  for (const kind of STORE_KINDS) {
    describe(`the ${kind} store`, () => {
      const env = useStore(kind);
      describe(area, () => suite(env));
    });
  }
}

/** Runs `suite` on a MariaDB store only: the cases that hold SQL to the rule it restates. */
export function onMariaDb(area: string, suite: (env: StoreUnderTest) => void): void {
  describe("the mariadb store", () => {
    const env = useStore("mariadb");
    describe(area, () => suite(env));
  });
}

function useStore(kind: StoreKind): StoreUnderTest {
  const state = {} as { store: Store; db?: ScratchDatabase };
  beforeAll(async () => {
    if (kind === "mariadb") {
      state.db = await createScratchDatabase(inject("mysqlUrl"));
      state.store = createClient({ pool: state.db.pool }).store.inner;
    } else {
      state.store = createMemoryStore();
    }
    await state.store.migrate();
  });
  afterAll(async () => {
    await state.db?.drop();
  });
  // Suites are declared before the store exists: this stands in for it, calling the store
  // that beforeAll created once a test runs.
  const store = new Proxy({} as Store, {
    get(_, name) {
      const value: unknown = Reflect.get(state.store, name);
      return typeof value === "function" ? value.bind(state.store) : value;
    },
  });
  return {
    kind,
    store,
    get db() {
      return state.db;
    },
    create: (run, input = { n: 1 }, now = T) => store.createRun({ key: run, inputText: JSON.stringify(input), now }),
  };
}
