import type { Sizes } from "./config.js";
import type { Results, Row, Target } from "./results.js";

/** Rows that relate each engine to its own database's floor; added once every workload ran. */
export function addDerivedRows(results: Results, sizes: Sizes): void {
  const floor = results.get("floor", "single-row INSERT commits/s (autocommit, 1 conn)");
  const profiled = Math.max(...sizes.w1.steps);
  const perStep = results.get("W1", `N=${profiled} per-step p50`);
  const throughput = results.get("W2", `c=${Math.max(...sizes.w2.concurrency)} steps/s`);
  for (const system of ["replaykit", "dbos"] as const) {
    const commitsPerSec = floor?.[system];
    if (commitsPerSec === undefined) continue;
    const stepMs = perStep?.[system];
    if (stepMs !== undefined) {
      const key = {
        workload: "vs floor",
        metric: `W1 N=${profiled} step p50 / 1 floor commit`,
        unit: "x",
        better: "lower" as const,
      };
      results.set(system, key, stepMs / (1000 / commitsPerSec));
    }
    const stepsPerSec = throughput?.[system];
    if (stepsPerSec !== undefined) {
      const key = {
        workload: "vs floor",
        metric: `W2 c=${Math.max(...sizes.w2.concurrency)} steps/s / floor commits/s`,
        unit: "x",
        better: "higher" as const,
      };
      results.set(system, key, stepsPerSec / commitsPerSec);
    }
  }
}

function fmt(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return "–";
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString("en-US");
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function winner(row: Row): string {
  const { replaykit: rk, dbos } = row;
  if (rk === undefined || dbos === undefined || !Number.isFinite(rk) || !Number.isFinite(dbos)) return "";
  if (rk === dbos) return "tie";
  const rkBetter = row.better === "lower" ? rk < dbos : rk > dbos;
  return rkBetter ? "replaykit" : "DBOS";
}

function ratio(row: Row): string {
  const { replaykit: rk, dbos } = row;
  if (rk === undefined || dbos === undefined || dbos === 0) return "–";
  return `${fmt(rk / dbos)}`;
}

/** The results table: both figures, replaykit/DBOS, which direction is better and who wins. */
export function renderTable(results: Results): string {
  const lines = [
    "| workload | metric | unit | replaykit (MariaDB) | DBOS (PostgreSQL) | replaykit/DBOS | better | ahead |",
    "|---|---|---|--:|--:|--:|---|---|",
  ];
  for (const row of results.rows) {
    const better = row.better === "lower" ? "lower" : "higher";
    lines.push(
      `| ${row.workload} | ${row.metric} | ${row.unit} | ${fmt(row.replaykit)} | ${fmt(row.dbos)} | ${ratio(row)} | ${better} | ${winner(row)} |`,
    );
  }
  return lines.join("\n");
}

function target(
  id: string,
  goal: string,
  row: Row | undefined,
  check: (row: Row) => [boolean, string] | undefined,
): Target {
  const verdict = row ? check(row) : undefined;
  return verdict ? { id, goal, met: verdict[0], observed: verdict[1] } : { id, goal, met: undefined, observed: "–" };
}

/** The targets for replaykit; a miss is reported, never an exit code. */
export function evaluateTargets(results: Results, sizes: Sizes): Target[] {
  const both = (row: Row): readonly [number, number] | undefined =>
    row.replaykit !== undefined && row.dbos !== undefined ? [row.replaykit, row.dbos] : undefined;
  const rkOnly = (row: Row) => row.replaykit;
  const targets = sizes.w1.steps.map((n) =>
    target(`W1 N=${n}`, "per-step p50 <= DBOS's", results.get("W1", `N=${n} per-step p50`), (row) => {
      const v = both(row);
      return v && [v[0] <= v[1], `${fmt(v[0])} ms vs ${fmt(v[1])} ms`];
    }),
  );
  const c = Math.max(...sizes.w2.concurrency);
  targets.push(
    target(`W2 c=${c}`, "runs/s >= 2x DBOS's", results.get("W2", `c=${c} runs/s`), (row) => {
      const v = both(row);
      return v && [v[0] >= 2 * v[1], `${fmt(v[0])} vs ${fmt(v[1])} runs/s (${fmt(v[0] / v[1])}x)`];
    }),
  );
  targets.push(
    target("WQ", "queue runs/s >= 2x DBOS's", results.get("WQ", `c=${sizes.wq.concurrency} runs/s`), (row) => {
      const v = both(row);
      return v && [v[0] >= 2 * v[1], `${fmt(v[0])} vs ${fmt(v[1])} runs/s (${fmt(v[0] / v[1])}x)`];
    }),
  );
  const { short, long } = sizes.w3;
  targets.push(
    target(
      "W3",
      `${long}/${short} ratio <= 12, cache on`,
      results.get("W3", `${long}/${short} ratio, cache on`),
      (row) => {
        const v = rkOnly(row);
        return v === undefined ? undefined : [v <= 12, `${fmt(v)}x`];
      },
    ),
    target("W4", "signal latency p50 <= 5 ms", results.get("W4", "signal -> resume p50"), (row) => {
      const v = rkOnly(row);
      return v === undefined ? undefined : [v <= 5, `${fmt(v)} ms`];
    }),
    target(
      "W5",
      "timer lateness p99 <= 50 ms",
      results.get("W5", `${sizes.w5.sleepMs} ms sleep lateness p99`),
      (row) => {
        const v = rkOnly(row);
        return v === undefined ? undefined : [v <= 50, `${fmt(v)} ms`];
      },
    ),
  );
  return targets;
}

export function renderTargets(targets: readonly Target[]): string {
  const lines = ["| target | goal | observed (replaykit) | verdict |", "|---|---|---|---|"];
  for (const t of targets) {
    const verdict = t.met === undefined ? "not measured" : t.met ? "met" : "missed";
    lines.push(`| ${t.id} | ${t.goal} | ${t.observed} | ${verdict} |`);
  }
  return lines.join("\n");
}
