import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { DBOS } from "@dbos-inc/dbos-sdk";
import type { ActivityContext, RunContext } from "@replaykit/runtime";
import type { SystemId } from "../args.js";
import type { FromReader, ToReader } from "../children/stream-reader.js";
import { stamp } from "../children/stream-reader.js";
import type { BenchContext } from "../context.js";
import { RESULT_TIMEOUT_MS, withTimeout } from "../deadline.js";
import { log } from "../log.js";
import { percentile, range } from "../stats.js";
import { alternate, type Live, withSystems } from "../systems/both.js";

const READER = fileURLToPath(new URL("../children/stream-reader.ts", import.meta.url));
const KEY = "tokens";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the writer of a round does: `count` chunks `paceMs` apart (latency), or as fast as it can (throughput). */
interface Emit {
  readonly count: number;
  readonly paceMs: number;
}

/** The emitting code, the same for both systems: stamps each chunk just before writing it; returns ms. */
async function emit(write: (value: unknown) => Promise<void>, close: () => Promise<void>, input: Emit) {
  const started = performance.now();
  for (let i = 0; i < input.count; i++) {
    await write({ i, at: stamp() });
    if (input.paceMs > 0) await sleep(input.paceMs);
  }
  await close();
  return performance.now() - started;
}

/** replaykit: the workflow waits for "go" (the reader is following by then), then runs the one activity. */
const REPLAYKIT = {
  workflows: {
    emitter: async (ctx: RunContext, input: Emit) => {
      await ctx.awaitSignal("go", "10m");
      return ctx.execActivity("emit", input);
    },
  },
  activities: {
    emit: async (ctx: ActivityContext, _backends: unknown, input: Emit) =>
      emit(
        (value) => ctx.writeStream(KEY, value),
        () => ctx.closeStream(KEY),
        input,
      ),
  },
};

/** DBOS: the same, with the writes in one step. */
function registerDbos(): (input: Emit) => Promise<number> {
  const step = DBOS.registerStep(
    async (input: Emit) =>
      emit(
        (value) => DBOS.writeStream(KEY, value),
        () => DBOS.closeStream(KEY),
        input,
      ),
    { name: "emit" },
  );
  return DBOS.registerWorkflow(
    async (input: Emit) => {
      await DBOS.recv("go", 600);
      return step(input);
    },
    { name: "emitter" },
  );
}

/** The reader process. */
class Reader {
  readonly #child = fork(READER, [], { execArgv: process.execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"] });

  async next<T extends FromReader["type"]>(type: T, send?: ToReader): Promise<Extract<FromReader, { type: T }>> {
    const answer = new Promise<Extract<FromReader, { type: T }>>((resolve, reject) => {
      const listener = (message: FromReader) => {
        if (message.type !== type && message.type !== "failed") return;
        this.#child.off("message", listener);
        if (message.type === "failed") reject(new Error(`W10 reader: ${message.message}`));
        else resolve(message as Extract<FromReader, { type: T }>);
      };
      this.#child.on("message", listener);
    });
    if (send) this.#child.send(send);
    return withTimeout(answer, RESULT_TIMEOUT_MS, `W10 reader (${type})`);
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.#child.once("exit", resolve));
    this.#child.send({ type: "stop" } satisfies ToReader);
    const timer = setTimeout(() => this.#child.kill("SIGKILL"), 20_000);
    await exited;
    clearTimeout(timer);
  }
}

/** One system as W10 drives it. */
interface Side {
  readonly system: SystemId;
  /** Starts run `runId` (it waits for go), returns a function that lets it go and resolves with its result. */
  start(runId: string, input: Emit): Promise<() => Promise<number>>;
  readonly latencies: number[];
  readonly rates: number[];
}

function sidesOf(live: Live<(input: Emit) => Promise<number>>): Side[] {
  const sides: Side[] = [];
  if (live.replaykit) {
    const { client, namespace } = live.replaykit;
    sides.push({
      system: "replaykit",
      start: async (runId, input) => {
        await client.runWorkflow(namespace, "emitter", runId, input);
        return async () => {
          await client.signalRun(namespace, "emitter", runId, "go", null, "go");
          return (await client.awaitResult(namespace, "emitter", runId, { timeout: RESULT_TIMEOUT_MS })) as number;
        };
      },
      latencies: [],
      rates: [],
    });
  }
  if (live.dbos) {
    const { fns } = live.dbos;
    sides.push({
      system: "dbos",
      start: async (runId, input) => {
        const handle = await DBOS.startWorkflow(fns, { workflowID: runId })(input);
        return async () => {
          await DBOS.send(runId, null, "go");
          return withTimeout(handle.getResult(), RESULT_TIMEOUT_MS, `DBOS workflow ${runId}`);
        };
      },
      latencies: [],
      rates: [],
    });
  }
  return sides;
}

/** A latency round of one side: the reader follows the run's stream while its activity writes at a pace. */
async function latencyRound(reader: Reader, side: Side, runId: string, input: Emit): Promise<void> {
  const go = await side.start(runId, input);
  const target = { namespace: "bench", workflow: "emitter", runId, key: KEY };
  await reader.next("reading", { type: "read", system: side.system, ...target });
  await sleep(50);
  const [latencies] = await Promise.all([reader.next("latencies"), go()]);
  side.latencies.push(...latencies.values);
}

async function measure(ctx: BenchContext, sides: readonly Side[], reader: Reader): Promise<void> {
  const { latencyChunks, paceMs, rounds, throughputChunks, trials } = ctx.sizes.w10;
  const perRound = Math.ceil(latencyChunks / rounds);
  log(`W10 latency: ${rounds} rounds of ${perRound} chunks ${paceMs} ms apart per system, read in another process`);
  for (const round of range(rounds)) {
    for (const side of alternate(sides, round)) {
      await latencyRound(reader, side, `latency-${round}`, { count: perRound, paceMs });
    }
  }
  log(`W10 throughput: ${trials} trial(s) of ${throughputChunks} chunks from one activity per system`);
  for (const trial of range(trials)) {
    for (const side of alternate(sides, trial)) {
      const go = await side.start(`rate-${trial}`, { count: throughputChunks, paceMs: 0 });
      side.rates.push(throughputChunks / ((await go()) / 1000));
    }
  }
}

function record(ctx: BenchContext, side: Side): void {
  const measured = side.latencies.slice(ctx.sizes.warmup);
  const set = (metric: string, unit: string, better: "lower" | "higher", value: number) =>
    ctx.results.set(side.system, { workload: "W10", metric, unit, better }, value);
  set("chunk latency p50", "ms", "lower", percentile(measured, 0.5));
  set("chunk latency p99", "ms", "lower", percentile(measured, 0.99));
  set("chunks/s from one activity", "1/s", "higher", percentile(side.rates, 0.5));
  ctx.results.detail(`W10.${side.system}`, { latencySamples: measured.length, rates: side.rates });
}

export async function runW10(ctx: BenchContext): Promise<void> {
  log("W10: durable streams, writer in this process, reader in another (replaykit writeStream / DBOS.writeStream)");
  await withSystems(ctx, "w10", { replaykit: REPLAYKIT, dbos: registerDbos }, async (live) => {
    const reader = new Reader();
    try {
      const dbos = live.dbos ? { systemDatabaseUrl: live.dbos.url, name: "bench-w10" } : undefined;
      const init: ToReader = {
        type: "init",
        ...(live.replaykit ? { replaykitUrl: live.replaykit.url } : {}),
        ...(dbos ? { dbos } : {}),
      };
      await reader.next("ready", init);
      const sides = sidesOf(live);
      await measure(ctx, sides, reader);
      for (const side of sides) record(ctx, side);
    } finally {
      await reader.stop();
    }
  });
}
