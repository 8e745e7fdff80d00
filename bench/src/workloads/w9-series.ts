import type { SystemId } from "../args.js";
import { alternate } from "../systems/both.js";

/** How one system is talked to in W9: an update that answers at once, and a read of the run's state. */
export interface TalkSide {
  readonly system: SystemId;
  /** Sends update `i` and resolves with the answer (the count after it). */
  update(i: number): Promise<unknown>;
  /** Reads the run's count. */
  query(): Promise<unknown>;
}

/** Latencies of one series, per system, in ms (warm-up left out). */
export type Latencies = Partial<Record<SystemId, { updates: number[]; queries: number[] }>>;

/** Pause between two calls, so that each finds the run parked (as W4 does). */
const PARK_MS = 10;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `warmup + updates` updates, then `warmup + queries` queries, the systems taking turns call by
 * call (alternating which goes first); update numbers start at `firstUpdate`. Each latency is the
 * call's own, from just before it to its answer.
 */
export async function talkSeries(
  sides: readonly TalkSide[],
  counts: { readonly warmup: number; readonly updates: number; readonly queries: number; readonly firstUpdate: number },
): Promise<Latencies> {
  const latencies: Latencies = {};
  for (const side of sides) latencies[side.system] = { updates: [], queries: [] };
  const timed = async (into: number[], call: () => Promise<unknown>, keep: boolean) => {
    const start = performance.now();
    await call();
    if (keep) into.push(performance.now() - start);
    await sleep(PARK_MS);
  };
  for (let n = 0; n < counts.warmup + counts.updates; n++) {
    for (const side of alternate(sides, n)) {
      const into = latencies[side.system]?.updates ?? [];
      await timed(into, () => side.update(counts.firstUpdate + n), n >= counts.warmup);
    }
  }
  for (let n = 0; n < counts.warmup + counts.queries; n++) {
    for (const side of alternate(sides, n)) {
      await timed(latencies[side.system]?.queries ?? [], () => side.query(), n >= counts.warmup);
    }
  }
  return latencies;
}
