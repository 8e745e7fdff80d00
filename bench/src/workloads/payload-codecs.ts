import { randomBytes } from "node:crypto";
import { aesGcmCodec, type ClientOptions, gzipCodec } from "@replaykit/runtime";
import { type BenchContext, replaykitOf } from "../context.js";
import { RESULT_TIMEOUT_MS } from "../deadline.js";
import { log } from "../log.js";
import { percentile, pool, range } from "../stats.js";
import { alternate } from "../systems/both.js";
import type { ReplaykitEnv } from "../systems/replaykit.js";
import { STEPS_SETUP } from "../systems/steps.js";

/*
 * W1 and W2 with a client that encrypts (issue 28): gzip then AES-256-GCM on every payload,
 * measured beside a client without codecs on the same server, the two taking turns, so that
 * the row says what the codecs cost a step and not what the machine did meanwhile.
 */

/** The codecs of an app that compresses and encrypts its payloads. */
export function gzipAes(): ClientOptions {
  return { codecs: [gzipCodec(), aesGcmCodec({ keys: { bench: randomBytes(32) }, current: "bench" })] };
}

interface Pair {
  readonly plain: ReplaykitEnv;
  readonly encrypted: ReplaykitEnv;
}

/** Two replaykit clients and workers on scratch databases of one server: without codecs, and with gzip+AES. */
async function withPair(
  ctx: BenchContext,
  label: string,
  concurrency: number | undefined,
  body: (pair: Pair) => Promise<void>,
) {
  const rk = replaykitOf(ctx);
  const setup = { ...STEPS_SETUP, ...(concurrency === undefined ? {} : { concurrency }) };
  await rk.withReplaykit(ctx.mariaDbUrl, `${label}plain`, setup, (plain) =>
    rk.withReplaykit(ctx.mariaDbUrl, `${label}gzipaes`, { ...setup, clientOptions: gzipAes() }, (encrypted) =>
      body({ plain, encrypted }),
    ),
  );
}

/** W1's series on both clients, run by run in turns; per-step times of each. */
async function series(ctx: BenchContext, pair: Pair, tag: string, n: number, runs: number) {
  const rk = replaykitOf(ctx);
  const times = { plain: [] as number[], encrypted: [] as number[] };
  for (const i of range(runs)) {
    for (const side of alternate(["plain", "encrypted"] as const, i)) {
      const start = performance.now();
      await rk.runReplaykit(pair[side], "steps", `${tag}-n${n}-${i}`, { n });
      times[side].push((performance.now() - start) / Math.max(n, 1));
    }
  }
  return times;
}

export async function measureW1Codecs(ctx: BenchContext): Promise<void> {
  const { runs, steps } = ctx.sizes.w1;
  log(`W1 gzip+AES: ${runs} sequential runs per N on a client with gzip+AES and one without, taking turns`);
  await withPair(ctx, "w1", undefined, async (pair) => {
    for (const n of steps) {
      await series(ctx, pair, "warm", n, ctx.sizes.warmup);
      const times = await series(ctx, pair, "run", n, runs);
      const plain = percentile(times.plain, 0.5);
      const encrypted = percentile(times.encrypted, 0.5);
      const set = (metric: string, unit: string, value: number) =>
        ctx.results.set("replaykit", { workload: "W1", metric: `N=${n} ${metric}`, unit, better: "lower" }, value);
      set("per-step p50, gzip+AES", "ms", encrypted);
      set("per-step p95, gzip+AES", "ms", percentile(times.encrypted, 0.95));
      set("per-step p50, no codecs beside gzip+AES", "ms", plain);
      set("gzip+AES cost per step (p50)", "%", (encrypted / plain - 1) * 100);
    }
  });
}

/** W2's batch on one client: all runs started at once, then awaited. */
async function batch(env: ReplaykitEnv, ids: readonly string[], steps: number): Promise<void> {
  await pool(ids, 8, async (id) => {
    await env.client.runWorkflow(env.namespace, "steps", id, { n: steps });
  });
  await pool(ids, 64, async (id) => {
    await env.client.awaitResult(env.namespace, "steps", id, { timeout: RESULT_TIMEOUT_MS });
  });
}

export async function measureW2Codecs(ctx: BenchContext): Promise<void> {
  const { runs, steps, concurrency } = ctx.sizes.w2;
  for (const c of concurrency) {
    log(`W2 gzip+AES c=${c}: ${runs} runs of ${steps} steps on a client with gzip+AES and one without, in 2 rounds`);
    await withPair(ctx, `w2c${c}`, c, async (pair) => {
      const spent = { plain: { wall: 0, cpu: 0 }, encrypted: { wall: 0, cpu: 0 } };
      for (const side of ["plain", "encrypted"] as const) {
        await batch(
          pair[side],
          range(ctx.sizes.warmup * 2).map((i) => `warm-${i}`),
          steps,
        );
      }
      const perRound = Math.ceil(runs / 2);
      for (const round of range(2)) {
        const ids = range(runs)
          .slice(round * perRound, (round + 1) * perRound)
          .map((i) => `run-${i}`);
        for (const side of alternate(["plain", "encrypted"] as const, round)) {
          const [wall, cpu] = [performance.now(), process.cpuUsage()];
          await batch(pair[side], ids, steps);
          spent[side].wall += performance.now() - wall;
          const used = process.cpuUsage(cpu);
          spent[side].cpu += (used.user + used.system) / 1000;
        }
      }
      const set = (metric: string, unit: string, better: "lower" | "higher", value: number) =>
        ctx.results.set("replaykit", { workload: "W2", metric: `c=${c} ${metric}`, unit, better }, value);
      for (const [side, label] of [
        ["encrypted", "gzip+AES"],
        ["plain", "no codecs beside gzip+AES"],
      ] as const) {
        set(`steps/s, ${label}`, "1/s", "higher", (runs * steps) / (spent[side].wall / 1000));
        set(`Node.js CPU per step, ${label}`, "ms", "lower", spent[side].cpu / (runs * steps));
      }
    });
  }
}
