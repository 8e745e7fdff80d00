import { SYSTEMS, WORKLOADS, type WorkloadId } from "./args.js";
import { Results, type Row } from "./results.js";

/** How busy the machine was as a round began: other work on it skews every figure. */
export interface RoundStart {
  readonly at: string;
  /** os.loadavg()[0]: runnable processes, averaged over the last minute. */
  readonly loadAverage1m: number;
  readonly freeMemoryMiB: number;
}

/** One pass over the selected workloads, with its own table. */
export interface Round {
  readonly round: number;
  readonly start: RoundStart;
  readonly results: Results;
}

/** One workload of one round, in the order they run. */
export interface Turn {
  readonly round: number;
  readonly workload: WorkloadId;
}

/**
 * Round 1 of every selected workload, then round 2 of every one, and so on: load that comes and
 * goes on a shared machine then falls on every workload alike instead of on one workload's rounds.
 * Within a round the workloads keep their usual order, and the floor, when other workloads run
 * with it, is measured again at the round's end (a round keeps the better of its two passes).
 */
export function schedule(selected: ReadonlySet<WorkloadId>, rounds: number): Turn[] {
  const workloads = WORKLOADS.filter((id) => selected.has(id));
  if (selected.has("floor") && selected.size > 1) workloads.push("floor");
  const turns: Turn[] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const workload of workloads) turns.push({ round, workload });
  }
  return turns;
}

/** The middle value, or the mean of the two middle values for an even count; NaN for none. */
export function median(values: readonly number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? Number.NaN) + upper) / 2;
}

export interface Spread {
  readonly min: number;
  readonly max: number;
}

/** The smallest and largest finite value; undefined when there is none. */
export function spread(values: readonly number[]): Spread | undefined {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return undefined;
  return { min: Math.min(...finite), max: Math.max(...finite) };
}

const sameRow = (a: Row, b: Row) => a.workload === b.workload && a.metric === b.metric;

/**
 * One table from the rounds' tables: each row's figure is its median over the rounds that
 * measured it, and `perRound` keeps every round's value in round order (undefined where a round
 * did not measure it). Rows keep the order they were first written in. Details stay with their
 * round; the sections (W6's query plans) are the last round's.
 */
export function aggregateRounds(rounds: readonly Results[]): Results {
  const combined = new Results();
  for (const round of rounds) {
    for (const row of round.rows) {
      if (!combined.rows.some((r) => sameRow(r, row))) {
        combined.rows.push({ workload: row.workload, metric: row.metric, unit: row.unit, better: row.better });
      }
    }
  }
  for (const row of combined.rows) {
    const perRound: NonNullable<Row["perRound"]> = {};
    for (const system of SYSTEMS) {
      const values = rounds.map((round) => round.rows.find((r) => sameRow(r, row))?.[system]);
      const measured = values.filter((v): v is number => v !== undefined);
      if (measured.length === 0) continue;
      perRound[system] = values;
      row[system] = median(measured);
    }
    row.perRound = perRound;
  }
  combined.sections.push(...(rounds.at(-1)?.sections ?? []));
  return combined;
}
