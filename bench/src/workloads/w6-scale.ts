import type { RunContext } from "@replaykit/runtime";
import type { Pool, PoolConnection, RowDataPacket } from "mysql2/promise";
import { type BenchContext, replaykitOf } from "../context.js";
import { type Counters, delta, mariaDbCounters, perUnit, rowsRead } from "../counters.js";
import { RESULT_TIMEOUT_MS } from "../deadline.js";
import { log } from "../log.js";
import { captureQueries, roundTrips } from "../round-trips.js";
import { pool as inParallel, percentile, range } from "../stats.js";
import type { ReplaykitEnv } from "../systems/replaykit.js";
import { STEPS_SETUP } from "../systems/steps.js";

/** The runtime's default table prefix (the bench's client does not change it). */
const P = "replay_";
/** W1's step count, and W2's. */
const W1_STEPS = 10;
/** Runs copied per INSERT ... SELECT (one transaction each). */
const CHUNK = 50_000;

async function awaitGo(ctx: RunContext): Promise<string> {
  await ctx.awaitSignal("go", "30d");
  return "went";
}

async function napLong(ctx: RunContext): Promise<string> {
  await ctx.sleep("1h");
  return "woke";
}

const SETUP = {
  workflows: { ...STEPS_SETUP.workflows, awaitGo, napLong },
  activities: STEPS_SETUP.activities,
};

interface Figures {
  readonly stepP50: number;
  readonly runsPerSec: number;
  readonly w1PerStep: Counters;
}

/** W1 (sequential runs of 10 steps) then W2 (runs of W2's steps, all started at once) on `env`. */
async function measure(ctx: BenchContext, env: ReplaykitEnv, tag: string): Promise<Figures> {
  const { client, namespace } = env;
  const { w1Runs, w2Runs } = ctx.sizes.w6;
  const run = async (id: string, n: number) => {
    await client.runWorkflow(namespace, "steps", id, { n });
    await client.awaitResult(namespace, "steps", id, { timeout: RESULT_TIMEOUT_MS });
  };
  for (const i of range(ctx.sizes.warmup)) await run(`${tag}-warm-${i}`, W1_STEPS);
  const before = await mariaDbCounters(env.pool);
  const sentBefore = roundTrips();
  const perStep: number[] = [];
  for (const i of range(w1Runs)) {
    const start = performance.now();
    await run(`${tag}-w1-${i}`, W1_STEPS);
    perStep.push((performance.now() - start) / W1_STEPS);
  }
  const sent = roundTrips() - sentBefore;
  const w1PerStep = perUnit({ ...delta(before, await mariaDbCounters(env.pool)), roundTrips: sent }, w1Runs * W1_STEPS);
  const input = { n: ctx.sizes.w2.steps };
  const batch = async (ids: readonly string[]) => {
    await inParallel(ids, 8, (id) => client.runWorkflow(namespace, "steps", id, input).then(() => undefined));
    await inParallel(ids, 64, (id) =>
      client.awaitResult(namespace, "steps", id, { timeout: RESULT_TIMEOUT_MS }).then(() => undefined),
    );
  };
  // An untimed batch first, so that neither pass pays for the first concurrent batch's warm-up.
  await batch(range(Math.ceil(w2Runs / 4)).map((i) => `${tag}-w2warm-${i}`));
  const started = performance.now();
  await batch(range(w2Runs).map((i) => `${tag}-w2-${i}`));
  const runsPerSec = w2Runs / ((performance.now() - started) / 1000);
  return { stepP50: percentile(perStep, 0.5), runsPerSec, w1PerStep };
}

/** The columns of `table` an INSERT may name (generated columns excluded). */
async function columnsOf(pool: Pool, table: string): Promise<string[]> {
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND EXTRA NOT LIKE '%GENERATED%' AND EXTRA NOT LIKE '%auto_increment%'
      ORDER BY ORDINAL_POSITION`,
    [`${P}${table}`],
  );
  return rows.map((row) => String(row["name"]));
}

/**
 * Copies template run `template` (its run row and its events) `count` times as runs
 * `<prefix><n>`, straight into the tables with INSERT ... SELECT over MariaDB's sequence
 * engine: the copies have every column a real run of that kind has. Copies are older than
 * the template (created_at spread backwards), hold no lease, and a waiting copy's wake time
 * is the template's plus a spread, so none is due during the benchmark.
 */
async function copyRuns(
  pool: Pool,
  namespace: string,
  template: { workflow: string; runId: string },
  prefix: string,
  count: number,
): Promise<void> {
  const runCols = await columnsOf(pool, "runs");
  const eventCols = await columnsOf(pool, "events");
  const override: Record<string, string> = {
    run_id: `CONCAT(?, s.seq)`,
    lease_owner: "NULL",
    lease_until: "NULL",
    wake_at: "IF(t.wake_at IS NULL, NULL, t.wake_at + s.seq)",
    created_at: "t.created_at - s.seq * 7",
    updated_at: "t.updated_at - s.seq * 7",
  };
  const runSelect = runCols.map((col) => override[col] ?? `t.${col}`).join(", ");
  const eventSelect = eventCols
    .map((col) =>
      col === "run_id" ? "CONCAT(?, s.seq)" : col === "created_at" ? "t.created_at - s.seq * 7" : `t.${col}`,
    )
    .join(", ");
  const where = "t.namespace = ? AND t.workflow = ? AND t.run_id = ?";
  for (let from = 1; from <= count; from += CHUNK) {
    const to = Math.min(count, from + CHUNK - 1);
    const keys = [namespace, template.workflow, template.runId];
    await pool.query(
      `INSERT INTO ${P}runs (${runCols.join(", ")}) SELECT ${runSelect} FROM ${P}runs t JOIN seq_${from}_to_${to} s WHERE ${where}`,
      [prefix, ...keys],
    );
    await pool.query(
      `INSERT INTO ${P}events (${eventCols.join(", ")}) SELECT ${eventSelect}
         FROM ${P}events t JOIN seq_${from}_to_${to} s WHERE ${where} ORDER BY s.seq, t.id`,
      [prefix, ...keys],
    );
  }
}

async function runCount(pool: Pool, namespace: string): Promise<number> {
  const [rows] = await pool.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${P}runs WHERE namespace = ?`, [
    namespace,
  ]);
  return Number(rows[0]?.["n"]);
}

/** Runs one run of each kind to copy, then copies them: ended runs, runs awaiting a signal, runs asleep. */
async function preload(ctx: BenchContext, env: ReplaykitEnv): Promise<void> {
  const { client, namespace, pool } = env;
  const { ended, waiting } = ctx.sizes.w6;
  await client.runWorkflow(namespace, "steps", "tpl-ended", { n: ctx.sizes.w2.steps });
  await client.awaitResult(namespace, "steps", "tpl-ended", { timeout: RESULT_TIMEOUT_MS });
  await client.runWorkflow(namespace, "awaitGo", "tpl-signal", {});
  await client.runWorkflow(namespace, "napLong", "tpl-timer", {});
  // Let both templates reach their wait (their suspension committed).
  await new Promise((resolve) => setTimeout(resolve, 500));
  const started = performance.now();
  await copyRuns(pool, namespace, { workflow: "steps", runId: "tpl-ended" }, "pre-ended-", ended);
  await copyRuns(pool, namespace, { workflow: "awaitGo", runId: "tpl-signal" }, "pre-signal-", Math.ceil(waiting / 2));
  await copyRuns(pool, namespace, { workflow: "napLong", runId: "tpl-timer" }, "pre-timer-", Math.floor(waiting / 2));
  await pool.query(`ANALYZE TABLE ${P}runs, ${P}events, ${P}signals`);
  const [events] = await pool.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${P}events`);
  const seconds = (performance.now() - started) / 1000;
  const detail = { runs: await runCount(pool, namespace), events: Number(events[0]?.["n"]), seconds };
  ctx.results.detail("W6.preload", detail);
  log(`W6 preloaded ${JSON.stringify(detail)}`);
}

/** A query's shape: literals replaced, repeated key lists collapsed, so each hot query is listed once. */
function shapeOf(sql: string): string {
  return sql
    .replace(/'(?:[^'\\]|\\.)*'/g, "?")
    .replace(/\b\d+\b/g, "?")
    .replace(/\s+/g, " ")
    .replace(/(\(workflow = \? AND run_id = \?\)( OR )?)+/g, "(workflow = ? AND run_id = ?)...")
    .replace(/(\(\?(, \?)*\),? ?)+/g, "(...)")
    .trim();
}

/** Splits a multi-statement query on the semicolons outside string literals. */
function statementsOf(sql: string): string[] {
  const out: string[] = [];
  let current = "";
  let quote: string | undefined;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i] ?? "";
    current += ch;
    if (quote) {
      if (ch === "\\") current += sql[++i] ?? "";
      else if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"' || ch === "`") quote = ch;
    else if (ch === ";") {
      out.push(current.slice(0, -1).trim());
      current = "";
    }
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

/** Statements EXPLAIN says nothing useful about (no rows read), and the bench's own. */
function worthExplaining(statement: string): boolean {
  const s = statement.trim().toUpperCase();
  if (/^(BEGIN|COMMIT|ROLLBACK|SET|SHOW|START|DO|XA|ANALYZE|EXPLAIN)\b/.test(s)) return false;
  if (s.includes("INFORMATION_SCHEMA") || s.includes("SEQ_")) return false;
  // A plain INSERT ... VALUES reads nothing (its unique checks are index lookups).
  if (/^INSERT\b/.test(s) && !/\bSELECT\b/.test(s)) return false;
  return /^(SELECT|UPDATE|DELETE|INSERT|WITH)\b/.test(s);
}

interface Plan {
  readonly statement: string;
  readonly seen: number;
  readonly rows: readonly Record<string, unknown>[];
}

async function explainAll(conn: PoolConnection, queries: readonly string[]): Promise<Plan[]> {
  const byShape = new Map<string, { statement: string; seen: number }>();
  for (const query of queries) {
    for (const statement of statementsOf(query)) {
      if (!worthExplaining(statement)) continue;
      const shape = shapeOf(statement);
      const known = byShape.get(shape);
      if (known) known.seen++;
      else byShape.set(shape, { statement, seen: 1 });
    }
  }
  const plans: Plan[] = [];
  for (const [shape, { statement, seen }] of byShape) {
    try {
      // ANALYZE runs a statement and adds the rows it really read (r_rows): for reads only.
      const verb = /^\s*SELECT\b/i.test(statement) ? "ANALYZE" : "EXPLAIN";
      const [rows] = await conn.query<RowDataPacket[]>(`${verb} ${statement}`);
      plans.push({ statement: shape, seen, rows: rows.map((row) => ({ ...row })) });
    } catch (error) {
      plans.push({ statement: shape, seen, rows: [{ error: error instanceof Error ? error.message : String(error) }] });
    }
  }
  return plans;
}

function renderPlans(plans: readonly Plan[]): string {
  const lines = [
    "Every distinct statement replaykit sent while one run of 10 steps ran, one run was signalled out of a preloaded signal wait, one was started into a 1 h sleep, one result was read, and the lease heartbeat ran, on the preloaded tables (EXPLAIN with the captured values, ANALYZE for SELECTs; `seen` = times sent in that window). The lease heartbeat, the held-runs check, a claim of due runs and the release at stop are added as leases.ts and claim.ts send them, since they may not run in that window.",
    "",
    "| statement | seen | table | type | key | rows (estimate) | rows read (ANALYZE, reads only) | extra |",
    "|---|--:|---|---|---|--:|--:|---|",
  ];
  for (const plan of plans) {
    const text = plan.statement.length > 240 ? `${plan.statement.slice(0, 240)}…` : plan.statement;
    for (const [i, row] of plan.rows.entries()) {
      const cell = (key: string) => String(row[key] ?? "").replace(/\|/g, "\\|");
      const first = i === 0;
      lines.push(
        `| ${first ? `\`${text.replace(/\|/g, "\\|").replace(/`/g, "'")}\`` : "↳"} | ${first ? plan.seen : ""} | ${cell("table")} | ${cell("type")} | ${cell("key")} | ${cell("rows")} | ${cell("r_rows")} | ${row["error"] ? `error: ${cell("error")}` : cell("Extra")} |`,
      );
    }
  }
  return lines.join("\n");
}

/** The hot queries on the preloaded tables, captured as sent, then explained. */
async function collectPlans(ctx: BenchContext, env: ReplaykitEnv): Promise<void> {
  const { client, namespace, pool } = env;
  const queries = await captureQueries(async () => {
    await client.runWorkflow(namespace, "steps", "explain-steps", { n: W1_STEPS });
    await client.awaitResult(namespace, "steps", "explain-steps", { timeout: RESULT_TIMEOUT_MS });
    // A preloaded signal waiter is not in the worker's cache: the signal wakes it, a claim
    // takes it, its history is loaded and it ends.
    await client.signalRun(namespace, "awaitGo", "pre-signal-1", "go", {}, "explain");
    await client.awaitResult(namespace, "awaitGo", "pre-signal-1", { timeout: RESULT_TIMEOUT_MS });
    await client.runWorkflow(namespace, "napLong", "explain-timer", {});
    await new Promise((resolve) => setTimeout(resolve, 300));
  });
  // The lease heartbeat and the held-runs check run every few seconds: mirror leases.ts's
  // renewLeases and heldRuns for two held runs, as the worker sends them.
  const key =
    "namespace = 'bench' AND ((workflow = 'napLong' AND run_id = 'explain-timer') OR (workflow = 'awaitGo' AND run_id = 'tpl-signal'))";
  const can =
    "AND workflow IN ('steps','awaitGo','napLong') AND (wanted_activity IS NULL OR wanted_activity IN ('noop'))";
  const now = Date.now();
  queries.push(
    `SELECT workflow, run_id, iteration, version FROM ${P}runs FORCE INDEX (${P}runs_default_wake) WHERE namespace = 'bench' AND d_wake <= ${now} AND (lease_until IS NULL OR lease_until < ${now}) AND paused = 0 ${can} ORDER BY d_wake LIMIT 16 FOR UPDATE SKIP LOCKED`,
    `UPDATE ${P}runs SET lease_owner = NULL, lease_until = NULL, wake_at = ${now} WHERE namespace = 'bench' AND lease_owner = 'w' AND status = 'running'`,
    `UPDATE ${P}runs SET lease_until = 1, stalls = 0, stall_mark = 0 WHERE ${key} AND lease_owner = 'w'`,
    `SELECT workflow, run_id, wake_gen, cancel_requested FROM ${P}runs WHERE ${key} AND lease_owner = 'w'`,
  );
  const conn = await pool.getConnection();
  try {
    const plans = await explainAll(conn, queries);
    ctx.results.detail("W6.explain", plans);
    ctx.results.sections.push({ title: "W6: query plans on the preloaded tables", body: renderPlans(plans) });
  } finally {
    conn.release();
  }
}

/** replaykit only: W1 and W2 on empty tables, then again with ended and waiting runs preloaded. */
export async function runW6(ctx: BenchContext): Promise<void> {
  if (!ctx.systems.has("replaykit")) return;
  const rk = replaykitOf(ctx);
  const c = Math.max(...ctx.sizes.w2.concurrency);
  const { ended, waiting } = ctx.sizes.w6;
  await rk.withReplaykit(ctx.mariaDbUrl, "w6", { ...SETUP, concurrency: c }, async (env) => {
    log(`W6 replaykit: W1 N=${W1_STEPS} and W2 c=${c} on empty tables`);
    const empty = await measure(ctx, env, "empty");
    log(`W6 replaykit: preloading ${ended} ended runs and ${waiting} waiting runs`);
    await preload(ctx, env);
    log("W6 replaykit: the same on the preloaded tables");
    const loaded = await measure(ctx, env, "loaded");
    const set = (metric: string, unit: string, better: "lower" | "higher", value: number | undefined) => {
      if (value !== undefined && Number.isFinite(value))
        ctx.results.set("replaykit", { workload: "W6", metric, unit, better }, value);
    };
    set(`W1 N=${W1_STEPS} per-step p50, empty`, "ms", "lower", empty.stepP50);
    set(`W1 N=${W1_STEPS} per-step p50, preloaded`, "ms", "lower", loaded.stepP50);
    set(`W1 N=${W1_STEPS} per-step p50, preloaded / empty`, "x", "lower", loaded.stepP50 / empty.stepP50);
    set(`W1 N=${W1_STEPS} rows read per step, empty`, "/step", "lower", rowsRead(empty.w1PerStep));
    set(`W1 N=${W1_STEPS} rows read per step, preloaded`, "/step", "lower", rowsRead(loaded.w1PerStep));
    set(`W1 N=${W1_STEPS} round trips per step, preloaded`, "/step", "lower", loaded.w1PerStep["roundTrips"]);
    set(`W2 c=${c} runs/s, empty`, "1/s", "higher", empty.runsPerSec);
    set(`W2 c=${c} runs/s, preloaded`, "1/s", "higher", loaded.runsPerSec);
    set(`W2 c=${c} runs/s, empty / preloaded`, "x", "lower", empty.runsPerSec / loaded.runsPerSec);
    ctx.results.detail("W6.countersPerStep", { empty: empty.w1PerStep, preloaded: loaded.w1PerStep });
    await collectPlans(ctx, env);
  });
}
