import type { Pool, ResultSetHeader } from "mysql2/promise";
import type { Transaction } from "../../api.js";
import { type RunKey, RunStatus } from "../../history/index.js";
import { decodePayload } from "../../json.js";
import type { CatchupPolicy, DueSchedule, OverlapPolicy, TickPlan } from "../../schedule/plan.js";
import { nextTickAfterFailure, tickRunId } from "../../schedule/plan.js";
import { runCreation } from "../rules/new-run.js";
import type { FiredSchedules, ScheduleInfo, ScheduleSpec } from "../types.js";
import { isLockConflict, isUnreachable } from "./db-errors.js";
import { nullableText, type Row, text } from "./rows.js";
import { inTransaction } from "./transaction.js";
import { insertRun } from "./writes.js";

const COLUMNS =
  "namespace, id, workflow, cron, timezone, input, overlap, catchup, paused, next_tick, last_tick, last_run_id, created_at, updated_at";

/** See ClientStore.saveSchedule. */
export async function saveSchedule(
  pool: Pool,
  p: string,
  spec: ScheduleSpec,
  nextTick: number | undefined,
  now: number,
) {
  const fields = [
    spec.workflow,
    spec.cron,
    spec.timezone,
    spec.inputText,
    spec.overlap,
    spec.catchup,
    nextTick ?? null,
  ];
  await pool.query(
    `INSERT INTO ${p}schedules (namespace, id, workflow, cron, timezone, input, overlap, catchup, next_tick, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON DUPLICATE KEY UPDATE workflow = ?, cron = ?, timezone = ?, input = ?, overlap = ?, catchup = ?,
       next_tick = IF(paused = 1, next_tick, ?), updated_at = ?`,
    [spec.namespace, spec.id, ...fields, now, now, ...fields, now],
  );
}

export async function getSchedule(pool: Pool, p: string, namespace: string, id: string) {
  const [rows] = await pool.query<Row[]>(`SELECT ${COLUMNS} FROM ${p}schedules WHERE namespace = ? AND id = ?`, [
    namespace,
    id,
  ]);
  const row = rows[0];
  return row === undefined ? undefined : toScheduleInfo(row);
}

export async function listSchedules(pool: Pool, p: string, namespace: string): Promise<ScheduleInfo[]> {
  const [rows] = await pool.query<Row[]>(`SELECT ${COLUMNS} FROM ${p}schedules WHERE namespace = ? ORDER BY id`, [
    namespace,
  ]);
  return rows.map(toScheduleInfo);
}

export async function setSchedulePaused(
  pool: Pool,
  p: string,
  namespace: string,
  id: string,
  paused: boolean,
  nextTick: number | undefined,
  now: number,
): Promise<boolean> {
  const [result] = await pool.query<ResultSetHeader>(
    `UPDATE ${p}schedules SET paused = ?, next_tick = ?, updated_at = ? WHERE namespace = ? AND id = ?`,
    [paused ? 1 : 0, paused ? null : (nextTick ?? null), now, namespace, id],
  );
  return result.affectedRows === 1;
}

export async function deleteSchedule(pool: Pool, p: string, namespace: string, id: string): Promise<boolean> {
  const [result] = await pool.query<ResultSetHeader>(`DELETE FROM ${p}schedules WHERE namespace = ? AND id = ?`, [
    namespace,
    id,
  ]);
  return result.affectedRows === 1;
}

/** See ClientStore.recordScheduleRun. */
export async function recordScheduleRun(
  pool: Pool,
  p: string,
  namespace: string,
  id: string,
  runId: string,
  now: number,
): Promise<boolean> {
  const [result] = await pool.query<ResultSetHeader>(
    `UPDATE ${p}schedules SET last_run_id = ?, updated_at = ? WHERE namespace = ? AND id = ?`,
    [runId, now, namespace, id],
  );
  return result.affectedRows === 1;
}

/**
 * See EngineStore.fireSchedules. A read without locks first: most looks find nothing due. Each
 * schedule is fired under a savepoint: one that fails (a run id that cannot be stored, a cron
 * that no longer parses) is rolled back alone, moved on to its next tick and reported, and the
 * others fire; a failure of the database itself fails the look.
 */
export async function fireSchedules(
  pool: Pool,
  p: string,
  namespace: string,
  now: number,
  plan: (due: DueSchedule) => TickPlan,
): Promise<FiredSchedules> {
  const earliest = await earliestTick(pool, p, namespace);
  if (earliest === undefined || earliest > now) return { started: [], nextTick: earliest };
  const failed: { id: string; error: unknown }[] = [];
  const started = await inTransaction(
    pool,
    undefined,
    async (conn) => {
      const [rows] = await conn.query<Row[]>(
        `SELECT ${COLUMNS} FROM ${p}schedules WHERE namespace = ? AND paused = 0 AND next_tick <= ?
          ORDER BY next_tick LIMIT 20 FOR UPDATE SKIP LOCKED`,
        [namespace, now],
      );
      const runs: RunKey[] = [];
      for (const row of rows) {
        await conn.query("SAVEPOINT fire_schedule");
        try {
          runs.push(...(await fireSchedule(conn, p, namespace, row, now, plan)));
        } catch (error) {
          if (isUnreachable(error) || isLockConflict(error)) throw error;
          await conn.query("ROLLBACK TO SAVEPOINT fire_schedule");
          const id = text(row.id);
          failed.push({ id, error });
          const next = nextTickAfterFailure({ cron: String(row.cron), timezone: String(row.timezone) }, now);
          await conn.query(`UPDATE ${p}schedules SET next_tick = ?, updated_at = ? WHERE namespace = ? AND id = ?`, [
            next,
            now,
            namespace,
            id,
          ]);
        }
      }
      return runs;
    },
    "READ COMMITTED",
  );
  const nextTick = await earliestTick(pool, p, namespace);
  return failed.length === 0 ? { started, nextTick } : { started, nextTick, failed };
}

async function earliestTick(pool: Pool, p: string, namespace: string): Promise<number | undefined> {
  const [rows] = await pool.query<Row[]>(
    `SELECT MIN(next_tick) AS next FROM ${p}schedules WHERE namespace = ? AND paused = 0`,
    [namespace],
  );
  const next = rows[0]?.next;
  return next === null || next === undefined ? undefined : Number(next);
}

/** Starts the runs of one schedule's due ticks, as `plan` decides, and moves it to its next tick. */
async function fireSchedule(
  conn: Transaction,
  p: string,
  namespace: string,
  row: Row,
  now: number,
  plan: (due: DueSchedule) => TickPlan,
): Promise<RunKey[]> {
  const schedule = toScheduleInfo(row);
  const previousRunning = await isRunning(conn, p, namespace, schedule.workflow, schedule.lastRunId);
  const { ticks, nextTick } = plan({ ...schedule, nextTick: Number(row.next_tick), previousRunning });
  const inputText = nullableText(row.input) ?? "null";
  const runs: RunKey[] = [];
  for (const tick of ticks) {
    const key = { namespace, workflow: schedule.workflow, runId: tickRunId(schedule.id, tick) };
    if (await insertRun(conn, p, runCreation({ key, inputText, now, scheduledAt: tick }))) runs.push(key);
  }
  const last = ticks.at(-1);
  await conn.query(
    `UPDATE ${p}schedules SET next_tick = ?, last_tick = IFNULL(?, last_tick), last_run_id = IFNULL(?, last_run_id),
            updated_at = ? WHERE namespace = ? AND id = ?`,
    [
      nextTick ?? null,
      last ?? null,
      last === undefined ? null : tickRunId(schedule.id, last),
      now,
      namespace,
      schedule.id,
    ],
  );
  return runs;
}

async function isRunning(
  conn: Transaction,
  p: string,
  namespace: string,
  workflow: string,
  runId: string | undefined,
): Promise<boolean> {
  if (runId === undefined) return false;
  const [rows] = await conn.query<Row[]>(
    `SELECT status FROM ${p}runs WHERE namespace = ? AND workflow = ? AND run_id = ?`,
    [namespace, workflow, runId],
  );
  return rows[0] !== undefined && text(rows[0].status) === RunStatus.Running;
}

function toScheduleInfo(row: Row): ScheduleInfo {
  const id = text(row.id);
  return {
    namespace: text(row.namespace),
    id,
    workflow: text(row.workflow),
    cron: String(row.cron),
    timezone: String(row.timezone),
    input: decodePayload(nullableText(row.input), `input of schedule ${id}`),
    overlap: String(row.overlap) as OverlapPolicy,
    catchup: String(row.catchup) as CatchupPolicy,
    paused: Number(row.paused) === 1,
    ...(row.next_tick === null ? {} : { nextTick: new Date(Number(row.next_tick)) }),
    ...(row.last_tick === null ? {} : { lastTick: new Date(Number(row.last_tick)) }),
    ...(row.last_run_id === null ? {} : { lastRunId: text(row.last_run_id) }),
    createdAt: new Date(Number(row.created_at)),
    updatedAt: new Date(Number(row.updated_at)),
  };
}
