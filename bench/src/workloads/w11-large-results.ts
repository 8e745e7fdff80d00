import { createHash } from "node:crypto";
import type { ActivityContext, RunContext } from "@replaykit/runtime";
import type { Pool } from "mysql2/promise";
import { type BenchContext, replaykitOf } from "../context.js";
import { log } from "../log.js";
import { percentile, range } from "../stats.js";
import type { ReplaykitEnv } from "../systems/replaykit.js";

const MiB = 1024 * 1024;
/** The text of a 1 MiB result; each result gets a prefix of its own, so no two are the same bytes. */
const FILLER = "m".repeat(MiB);
let produced = 0;

interface W11Input {
  readonly steps: number;
  readonly large: boolean;
}

/** `steps` activities in sequence, each returning 1 MiB (large) or a number. */
async function resultsWorkflow(ctx: RunContext, input: W11Input): Promise<number> {
  let bytes = 0;
  for (let i = 0; i < input.steps; i++) {
    const result = (await ctx.execActivity(input.large ? "mib" : "small", i)) as string | number;
    bytes += typeof result === "string" ? result.length : 1;
  }
  return bytes;
}

const SETUP = {
  workflows: { results: resultsWorkflow },
  activities: {
    mib: async () => `${++produced}:${FILLER}`.slice(0, MiB),
    small: async (_ctx: ActivityContext, _backends: unknown, i: number) => i,
  },
} as const;

/** The three ways W11 runs a step, each with its client. */
interface Sides {
  /** A small result, default client (offload above 256 KiB). */
  readonly small: ReplaykitEnv;
  /** A 1 MiB result on the default client: offloaded to the payload table. */
  readonly offloaded: ReplaykitEnv;
  /** A 1 MiB result on a client that never offloads: in the event row. */
  readonly inRow: ReplaykitEnv;
}

async function series(ctx: BenchContext, sides: Sides, tag: string, runs: number, steps: number) {
  const rk = replaykitOf(ctx);
  const times: Record<keyof Sides, number[]> = { small: [], offloaded: [], inRow: [] };
  const order = ["small", "offloaded", "inRow"] as const;
  for (const i of range(runs)) {
    for (const side of i % 2 === 0 ? order : [...order].reverse()) {
      const start = performance.now();
      await rk.runReplaykit(sides[side], "results", `${tag}-${side}-${i}`, { steps, large: side !== "small" });
      times[side].push((performance.now() - start) / steps);
    }
  }
  return times;
}

/**
 * What a MiB costs before any design of replaykit's: one autocommitted INSERT of 1 MiB into a
 * LONGBLOB on the same server (its durable write), and the Node.js work every offloading step
 * does on the value (JSON text, UTF-8 bytes, SHA-256). A step with a 1 MiB result pays at least
 * their sum, so W11's ratio cannot fall below it.
 */
async function megabyteBound(pool: Pool, samples: number): Promise<{ insertMs: number; nodeMs: number }> {
  await pool.query("CREATE TABLE IF NOT EXISTS w11_bound (id BIGINT AUTO_INCREMENT PRIMARY KEY, v LONGBLOB)");
  const inserts: number[] = [];
  const node: number[] = [];
  for (const i of range(Math.max(samples, 10))) {
    const value = `${i}:${FILLER}`.slice(0, MiB);
    let start = performance.now();
    const bytes = Buffer.from(JSON.stringify({ result: value }), "utf8");
    createHash("sha256").update(bytes).digest("hex");
    node.push(performance.now() - start);
    start = performance.now();
    await pool.query("INSERT INTO w11_bound (v) VALUES (?)", [bytes]);
    inserts.push(performance.now() - start);
  }
  await pool.query("DROP TABLE w11_bound");
  return { insertMs: percentile(inserts, 0.5), nodeMs: percentile(node, 0.5) };
}

/**
 * W11 (issue 28): what a 1 MiB activity result costs a step, offloaded to the payload table
 * (the default above 256 KiB) and kept in the event row, against a step with a small result.
 */
export async function runW11(ctx: BenchContext): Promise<void> {
  if (!ctx.systems.has("replaykit")) return;
  const rk = replaykitOf(ctx);
  const { runs, steps } = ctx.sizes.w11;
  log(
    `W11: ${runs} runs of ${steps} steps each with 1 MiB results (offloaded, in the row) and small ones, taking turns`,
  );
  const roomy = { maxPayloadBytes: 4 * MiB };
  await rk.withReplaykit(ctx.mariaDbUrl, "w11", { ...SETUP, clientOptions: roomy }, (offloading) =>
    rk.withReplaykit(
      ctx.mariaDbUrl,
      "w11row",
      { ...SETUP, clientOptions: { ...roomy, offloadAbove: Number.POSITIVE_INFINITY } },
      async (inRow) => {
        const sides = { small: offloading, offloaded: offloading, inRow };
        await series(ctx, sides, "warm", Math.max(1, Math.ceil(ctx.sizes.warmup / 4)), steps);
        const times = await series(ctx, sides, "run", runs, steps);
        const set = (metric: string, unit: string, value: number) =>
          ctx.results.set("replaykit", { workload: "W11", metric, unit, better: "lower" }, value);
        for (const [side, label] of [
          ["small", "small result"],
          ["offloaded", "1 MiB result, offloaded"],
          ["inRow", "1 MiB result, in the event row"],
        ] as const) {
          set(`${label}: per-step p50`, "ms", percentile(times[side], 0.5));
          set(`${label}: per-step p95`, "ms", percentile(times[side], 0.95));
        }
        const ratio = percentile(times.offloaded, 0.5) / percentile(times.small, 0.5);
        set("1 MiB offloaded / small result, per-step p50", "x", ratio);
        const bound = await megabyteBound(offloading.pool, runs * steps);
        set("bound: a 1 MiB durable INSERT on the same server, p50", "ms", bound.insertMs);
        set("bound: Node.js work on a 1 MiB result (JSON, UTF-8, SHA-256), p50", "ms", bound.nodeMs);
        set(
          "bound: (1 MiB INSERT + Node.js work) / small-result step",
          "x",
          (bound.insertMs + bound.nodeMs) / percentile(times.small, 0.5),
        );
      },
    ),
  );
}
