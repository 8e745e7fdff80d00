import type { SystemId } from "./args.js";
import type { Sizes } from "./config.js";
import type { Results, Row, Target } from "./results.js";
import { spread } from "./rounds.js";

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

/** "min–max" of one system's rounds ("min to max" when negative); "–" when it has no finite value. */
function range(row: Row, system: SystemId): string {
  const values = (row.perRound?.[system] ?? []).filter((v): v is number => v !== undefined);
  const s = spread(values);
  if (!s) return "–";
  return `${fmt(s.min)}${s.min < 0 ? " to " : "–"}${fmt(s.max)}`;
}

/**
 * The results table: both figures, replaykit/DBOS, which direction is better and who wins; with
 * several rounds the figures are medians and each system's min–max over the rounds follows.
 */
export function renderTable(results: Results, rounds = 1): string {
  const spreads = rounds > 1;
  const median = spreads ? ", median" : "";
  const lines = [
    `| workload | metric | unit | replaykit (MariaDB)${median} | DBOS (PostgreSQL)${median} | replaykit/DBOS | better | ahead |${spreads ? " replaykit min–max | DBOS min–max |" : ""}`,
    `|---|---|---|--:|--:|--:|---|---|${spreads ? "--:|--:|" : ""}`,
  ];
  for (const row of results.rows) {
    const better = row.better === "lower" ? "lower" : "higher";
    const spreadCells = spreads ? ` ${range(row, "replaykit")} | ${range(row, "dbos")} |` : "";
    lines.push(
      `| ${row.workload} | ${row.metric} | ${row.unit} | ${fmt(row.replaykit)} | ${fmt(row.dbos)} | ${ratio(row)} | ${better} | ${winner(row)} |${spreadCells}`,
    );
  }
  return lines.join("\n");
}

function target(
  id: string,
  goal: string,
  row: Row | undefined,
  check: (row: Row) => [boolean | "reported", string] | undefined,
): Target {
  const verdict = row ? check(row) : undefined;
  if (!verdict) return { id, goal, met: undefined, observed: "–" };
  return verdict[0] === "reported"
    ? { id, goal, met: undefined, observed: verdict[1], reported: true }
    : { id, goal, met: verdict[0], observed: verdict[1] };
}

const both = (row: Row): readonly [number, number] | undefined =>
  row.replaykit !== undefined && row.dbos !== undefined ? [row.replaykit, row.dbos] : undefined;

/** replaykit at most `limit` x DBOS (lower is better). */
function atMostTimesDbos(limit: number, unit: string) {
  return (row: Row): [boolean, string] | undefined => {
    const v = both(row);
    return v && [v[0] <= limit * v[1], `${fmt(v[0])} vs ${fmt(v[1])} ${unit} (${fmt(v[0] / v[1])}x)`];
  };
}

/** replaykit's figure, reported with no goal. */
function reported(unit: string) {
  return (row: Row): ["reported", string] | undefined =>
    row.replaykit === undefined ? undefined : ["reported", `${fmt(row.replaykit)}${unit}`];
}

/** replaykit at most `limit` (lower is better), replaykit's figure alone. */
function atMost(limit: number, unit: string) {
  return (row: Row): [boolean, string] | undefined => {
    const v = row.replaykit;
    return v === undefined ? undefined : [v <= limit, `${fmt(v)}${unit}`];
  };
}

/**
 * mariadbd's CPU per step in W2 at c=64 before issue 30 (bench/results/2026-12-07.md: 1.03
 * cores at 2,182 steps/s): the issue asks for 40% less.
 */
const SERVER_CPU_PER_STEP_BASELINE_MS = 0.47;

/** The targets for replaykit (issue 30's where it set them); a miss is reported, never an exit code. */
export function evaluateTargets(results: Results, sizes: Sizes): Target[] {
  const n = 10;
  const c = Math.max(...sizes.w2.concurrency);
  const get = (workload: string, metric: string) => results.get(workload, metric);
  const targets: Target[] = [
    target(`W1 N=${n}`, "per-step p50 <= 0.6x DBOS's", get("W1", `N=${n} per-step p50`), atMostTimesDbos(0.6, "ms")),
    target(
      `W1 N=${n}`,
      "per-step p50 <= 3x one floor commit",
      get("vs floor", `W1 N=${n} step p50 / 1 floor commit`),
      atMost(3, "x floor commit"),
    ),
    target(
      `W1 N=${n}`,
      "moonshot: per-step p50 <= 0.5x DBOS's",
      get("W1", `N=${n} per-step p50`),
      atMostTimesDbos(0.5, "ms"),
    ),
    target(
      `W1 N=${n}`,
      "moonshot: per-step p50 <= 2x one floor commit",
      get("vs floor", `W1 N=${n} step p50 / 1 floor commit`),
      atMost(2, "x floor commit"),
    ),
    target(
      `W1 N=${n}`,
      "SQL round trips per step <= 2",
      get("W1", `N=${n} SQL round trips per step`),
      atMost(2, " round trips/step"),
    ),
    target(
      "lean step",
      "SQL statements per step write <= 3 (median, W1 N=10)",
      get("W1", "N=10 SQL statements per step write, median"),
      atMost(3, " statements/step"),
    ),
    target(
      "lean step",
      "SQL statements per step write (mean, the run's ending step included; reported)",
      get("W1", "N=10 SQL statements per step write, mean"),
      (row) => {
        if (row.replaykit === undefined) return undefined;
        const ending = get("W1", "N=10 SQL statements of a run's ending step write, median")?.replaykit;
        return [
          "reported",
          `${fmt(row.replaykit)} statements/step${ending === undefined ? "" : `; the ending step ${fmt(ending)}`}`,
        ];
      },
    ),
    target(
      "lean step",
      "SQL statements per added step (W1: N=10 less N=0, idle polls included; reported)",
      get("W1", "SQL statements per added step (N=10 less N=0, per step)"),
      reported(" statements/step"),
    ),
    target(
      "Galera",
      "SQL round trips per added step <= 3 (3-node cluster)",
      get("WG", "SQL round trips per added step (N=10 less N=0, idle polls aside), 3-node Galera"),
      atMost(3, " round trips/step"),
    ),
    target(
      "Galera",
      "W1 N=10 per-step p50 on 3 nodes (reported, beside the single server's)",
      get("WG", "W1 N=10 per-step p50, 3-node Galera"),
      (row) => {
        const single = get("W1", "N=10 per-step p50")?.replaykit;
        if (row.replaykit === undefined) return undefined;
        const beside =
          single === undefined ? "" : ` vs ${fmt(single)} ms on one server (${fmt(row.replaykit / single)}x)`;
        return ["reported", `${fmt(row.replaykit)} ms${beside}`];
      },
    ),
    target(
      "lean step",
      "rows read per added step (reported)",
      get("W1", "rows read per added step (N=10 less N=0, per step)"),
      reported(" rows/step"),
    ),
    target(
      `W1 N=${n}`,
      "SQL statements per step (reported)",
      get("W1", `N=${n} SQL statements per step`),
      reported(" statements/step"),
    ),
    target(
      `W1 N=${n}`,
      "gzip+AES costs <= 10% per step (p50, beside a client without codecs)",
      get("W1", `N=${n} gzip+AES cost per step (p50)`),
      atMost(10, "%"),
    ),
    target(
      `W1 N=${n}`,
      "rows read per step (reported)",
      get("W1", `N=${n} index/table rows read per step (Handler_read_*)`),
      reported(" rows/step"),
    ),
    target(`W2 c=${c}`, "runs/s >= 2.5x DBOS's", get("W2", `c=${c} runs/s`), (row) => {
      const v = both(row);
      return v && [v[0] >= 2.5 * v[1], `${fmt(v[0])} vs ${fmt(v[1])} runs/s (${fmt(v[0] / v[1])}x)`];
    }),
    target(
      `W2 c=${c}`,
      `database server CPU per step >= 40% under ${SERVER_CPU_PER_STEP_BASELINE_MS} ms (the baseline)`,
      get("W2", `c=${c} database server CPU per step`),
      atMost(SERVER_CPU_PER_STEP_BASELINE_MS * 0.6, " ms"),
    ),
    target(`W2 c=${c}`, "Node.js CPU per step <= 0.3 ms", get("W2", `c=${c} Node.js CPU per step`), atMost(0.3, " ms")),
    target(
      "W3",
      `${sizes.w3.long}/${sizes.w3.short} steps <= ${(sizes.w3.long / sizes.w3.short) * 1.1}x, cache on`,
      get("W3", `${sizes.w3.long}/${sizes.w3.short} ratio, cache on`),
      atMost((sizes.w3.long / sizes.w3.short) * 1.1, "x"),
    ),
    target("W4", "signal -> resume p50 <= 2 ms", get("W4", "signal -> resume p50"), atMost(2, " ms")),
    target("W4", "signal -> resume p50 <= 0.5x DBOS's", get("W4", "signal -> resume p50"), atMostTimesDbos(0.5, "ms")),
    target(
      "W5",
      `${sizes.w5.sleepMs} ms sleep lateness p99 <= DBOS's`,
      get("W5", `${sizes.w5.sleepMs} ms sleep lateness p99`),
      atMostTimesDbos(1, "ms"),
    ),
    target(
      "W6",
      "W1 N=10 per-step p50, preloaded / empty <= 1.2x",
      get("W6", "W1 N=10 per-step p50, preloaded / empty"),
      atMost(1.2, "x"),
    ),
    target(
      "W6",
      `W2 c=${c} run time (1 / runs/s), preloaded / empty <= 1.2x`,
      get("W6", `W2 c=${c} runs/s, empty / preloaded`),
      atMost(1.2, "x"),
    ),
  ];
  const scaleOut = sizes.w7.workers.map((k) => {
    const v = get("W7", `${k} worker process${k === 1 ? "" : "es"} runs/s`)?.replaykit;
    return v === undefined ? undefined : `${k}: ${fmt(v)}`;
  });
  targets.push({
    id: "W7",
    goal: `runs/s with ${sizes.w7.workers.join(", ")} worker processes: 2 never slower than 1, 4 within 10% of 2`,
    observed: scaleOut.every((v) => v === undefined) ? "–" : scaleOut.map((v) => v ?? "–").join(", "),
    met: scalesOut((k) => get("W7", `${k} worker process${k === 1 ? "" : "es"} runs/s`)?.replaykit),
  });
  targets.push(
    target(
      "W8",
      "worker RSS per 1,000 suspended runs in its cache <= 10 MB",
      get("W8", "RSS per 1,000 suspended cached runs"),
      atMost(10, " MB"),
    ),
    target(
      "W8",
      `one run with ${sizes.w8.fanOut} parallel activities, start to result <= 2 s`,
      get("W8", `${sizes.w8.fanOut} parallel activities, start to result`),
      atMost(2000, " ms"),
    ),
    target(
      "W9",
      "update round trip p50 <= 3 ms, in the worker's process",
      get("W9", "update round trip p50, in the worker's process"),
      atMost(3, " ms"),
    ),
    target(
      "W9",
      "update round trip p50 <= 0.5x DBOS's (send + recv + setEvent + getEvent), in the worker's process",
      get("W9", "update round trip p50, in the worker's process"),
      atMostTimesDbos(0.5, "ms"),
    ),
    target(
      "W9",
      "query p50 <= 1 ms, in the worker's process",
      get("W9", "query p50, in the worker's process"),
      atMost(1, " ms"),
    ),
    target(
      "W11",
      "a step with a 1 MiB result, offloaded, <= 2x a step with a small one (p50)",
      get("W11", "1 MiB offloaded / small result, per-step p50"),
      atMost(2, "x"),
    ),
    target("WQ", "queue runs/s >= 2x DBOS's", get("WQ", `c=${sizes.wq.concurrency} runs/s`), (row) => {
      const v = both(row);
      return v && [v[0] >= 2 * v[1], `${fmt(v[0])} vs ${fmt(v[1])} runs/s (${fmt(v[0] / v[1])}x)`];
    }),
    target("W10", "chunk latency p50 <= 5 ms", get("W10", "chunk latency p50"), atMost(5, " ms")),
    target("W10", "chunk latency p50 below DBOS's", get("W10", "chunk latency p50"), (row) => {
      const v = both(row);
      return v && [v[0] < v[1], `${fmt(v[0])} vs ${fmt(v[1])} ms`];
    }),
    target("W10", ">= 5,000 chunks/s from one activity", get("W10", "chunks/s from one activity"), (row) =>
      row.replaykit === undefined ? undefined : [row.replaykit >= 5000, `${fmt(row.replaykit)} chunks/s`],
    ),
    target("W10", "chunks/s from one activity above DBOS's", get("W10", "chunks/s from one activity"), (row) => {
      const v = both(row);
      return v && [v[0] > v[1], `${fmt(v[0])} vs ${fmt(v[1])} chunks/s (${fmt(v[0] / v[1])}x)`];
    }),
  );
  return targets;
}

/** W7's target, when 1, 2 and 4 processes were measured: undefined otherwise. */
function scalesOut(runsPerSec: (processes: number) => number | undefined): boolean | undefined {
  const [one, two, four] = [runsPerSec(1), runsPerSec(2), runsPerSec(4)];
  if (one === undefined || two === undefined || four === undefined) return undefined;
  return two >= one && four >= 0.9 * two;
}

export function renderTargets(targets: readonly Target[]): string {
  const lines = ["| target | goal | observed (replaykit) | verdict |", "|---|---|---|---|"];
  for (const t of targets) {
    const verdict = t.reported ? "reported" : t.met === undefined ? "not measured" : t.met ? "met" : "missed";
    lines.push(`| ${t.id} | ${t.goal} | ${t.observed} | ${verdict} |`);
  }
  return lines.join("\n");
}
