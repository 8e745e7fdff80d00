import type { Pool, ResultSetHeader, RowDataPacket } from "mysql2/promise";
import { decodePayload, text } from "../json.js";
import type { HistoryEvent, NewEvent } from "../replay/history.js";
import { writeSteps } from "./step-writer.js";

/** The primary key of a run. */
export interface RunKey {
  readonly namespace: string;
  readonly workflow: string;
  readonly runId: string;
}

/** A run this worker just leased. */
export interface ClaimedRun extends RunKey {
  readonly iteration: number;
  readonly status: string;
  readonly version: number;
  readonly nextPos: number;
  readonly wakeGen: number;
  readonly cancelRequested: boolean;
  /** Set for a run that has only its created event: its history, read with the run row. */
  readonly fresh?: { readonly inputText: string; readonly createdAt: number };
}

/** A pending activity of a run (a row of the tasks table). */
export interface TaskRow {
  readonly target: string;
  readonly seq: number;
  readonly attempt: number;
  readonly readyAt: number;
}

export interface SignalRow {
  readonly id: number;
  readonly signal: string;
  readonly payloadText: string | null;
}

export interface ClaimOptions {
  readonly namespace: string;
  readonly owner: string;
  readonly now: number;
  readonly leaseMs: number;
  readonly limit: number;
  readonly shards?: { readonly count: number; readonly index: number } | undefined;
}

/** What one engine commit writes for a run, all or nothing, fenced by the run's version. */
export interface StepWrite {
  readonly key: RunKey;
  readonly owner: string;
  readonly iteration: number;
  readonly expectedVersion: number;
  readonly firstPos: number;
  readonly events: readonly NewEvent[];
  /** Retries to wait for: the first failure of an activity writes its row. */
  readonly taskInserts: readonly { target: string; seq: number; attempt: number; readyAt: number; lastError: string }[];
  readonly taskDeletes: readonly { target: string; seq: number }[];
  readonly taskUpdates: readonly { target: string; seq: number; attempt: number; readyAt: number; lastError: string }[];
  readonly signalsConsumed: readonly { id: number; seq: number }[];
  /** The wake_gen the step read its inputs under; a newer one means something arrived since. */
  readonly observedWakeGen: number;
  readonly now: number;
  readonly end?: { readonly status: string; readonly resultText: string | null; readonly errorText: string | null };
  readonly restart?: { readonly inputText: string };
  /** The iteration has rows in the tasks table (retries), to delete when it ends or restarts. */
  readonly hasTaskRows: boolean;
  /** Keep the lease (activities still run here) or release it with this wake time. */
  readonly hold: boolean;
  readonly leaseUntil: number;
  readonly wakeAt: number | null;
}

export type StepResult =
  | {
      readonly ok: true;
      readonly version: number;
      readonly nextPos: number;
      readonly wakeGen: number;
      readonly cancelRequested: boolean;
    }
  | { readonly ok: false; readonly reason: string };

type Row = RowDataPacket & Record<string, unknown>;

/** SQL of the engine: claims, history, inbox reads and fenced commits. */
export class EngineStore {
  readonly #pool: Pool;
  readonly #p: string;

  constructor(pool: Pool, prefix: string) {
    this.#pool = pool;
    this.#p = prefix;
  }

  /** Leases up to `limit` runs that are due and not leased by anyone else. */
  async claim(options: ClaimOptions): Promise<ClaimedRun[]> {
    const { namespace, owner, now, leaseMs, limit, shards } = options;
    const shardSql = shards ? " AND MOD(shard, ?) = ?" : "";
    const shardArgs = shards ? [shards.count, shards.index] : [];
    const conn = await this.#pool.getConnection();
    try {
      await conn.query("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
      await conn.beginTransaction();
      const [rows] = await conn.query<Row[]>(
        `SELECT workflow, run_id, iteration, status, version, next_pos, wake_gen, cancel_requested
           FROM ${this.#p}runs
          WHERE namespace = ? AND wake_at <= ? AND (lease_until IS NULL OR lease_until < ?)${shardSql}
          ORDER BY wake_at LIMIT ? FOR UPDATE SKIP LOCKED`,
        [namespace, now, now, ...shardArgs, limit],
      );
      if (rows.length === 0) {
        await conn.commit();
        return [];
      }
      const claimed = rows.map((row) => toClaimed(namespace, row));
      const where = claimed.map(() => "(workflow = ? AND run_id = ?)").join(" OR ");
      await conn.query(
        `UPDATE ${this.#p}runs SET lease_owner = ?, lease_until = ? WHERE namespace = ? AND (${where})`,
        [owner, now + leaseMs, namespace, ...claimed.flatMap((run) => [run.workflow, run.runId])],
      );
      await conn.commit();
      return claimed;
    } catch (error) {
      await conn.rollback().catch(() => {});
      throw error;
    } finally {
      conn.release();
    }
  }

  /**
   * Reads a run without leasing it, for a worker that was told in-process that the run has
   * work. Its first commit is then fenced by version alone (see step-writer.ts), so no claim
   * transaction is spent. Undefined when the run ended or another worker holds a live lease.
   */
  async peek(key: RunKey, owner: string, now: number): Promise<ClaimedRun | undefined> {
    const [rows] = await this.#pool.query<Row[]>(
      `SELECT workflow, run_id, iteration, status, version, next_pos, wake_gen, cancel_requested, lease_owner, lease_until,
              IF(version = 0 AND iteration = 0 AND next_pos = 1, input, NULL) AS fresh_input, created_at
         FROM ${this.#p}runs WHERE namespace = ? AND workflow = ? AND run_id = ?`,
      [key.namespace, key.workflow, key.runId],
    );
    const row = rows[0];
    if (row?.status !== "running") return undefined;
    const leasedByOther = row.lease_owner !== null && text(row.lease_owner) !== owner && Number(row.lease_until) >= now;
    if (leasedByOther) return undefined;
    const claimed = toClaimed(key.namespace, row);
    if (row.fresh_input === null) return claimed;
    return { ...claimed, fresh: { inputText: text(row.fresh_input), createdAt: Number(row.created_at) } };
  }

  /**
   * The earliest wake time of a run nobody holds a live lease on, due or not. A due one
   * means "claim again now": it became due, or was locked, while the last claim ran.
   */
  async nextWake(namespace: string, now: number): Promise<number | undefined> {
    const [rows] = await this.#pool.query<Row[]>(
      `SELECT MIN(wake_at) AS next FROM ${this.#p}runs
        WHERE namespace = ? AND wake_at IS NOT NULL AND (lease_until IS NULL OR lease_until < ?)`,
      [namespace, now],
    );
    const next = rows[0]?.next;
    return next === null || next === undefined ? undefined : Number(next);
  }

  /** Input and creation time of the iteration, plus its replay history in order. */
  async loadHistory(key: RunKey, iteration: number): Promise<HistoryEvent[]> {
    const [rows] = await this.#pool.query<Row[]>(
      `SELECT pos, type, target, seq, payload, created_at FROM ${this.#p}events
        WHERE namespace = ? AND workflow = ? AND run_id = ? AND iteration = ? AND pos IS NOT NULL
        ORDER BY pos`,
      [key.namespace, key.workflow, key.runId, iteration],
    );
    return rows.map((row) => {
      const payloadText = row.payload === null ? null : text(row.payload);
      const type = String(row.type);
      const target = text(row.target);
      return {
        pos: Number(row.pos),
        type,
        target,
        seq: Number(row.seq),
        payloadText,
        payload: decodePayload(payloadText, `event ${type} ${target}#${String(row.seq)} of run ${key.runId}`),
        at: Number(row.created_at),
      };
    });
  }

  async loadTasks(key: RunKey, iteration: number): Promise<TaskRow[]> {
    const [rows] = await this.#pool.query<Row[]>(
      `SELECT target, seq, attempt, ready_at FROM ${this.#p}tasks
        WHERE namespace = ? AND workflow = ? AND run_id = ? AND iteration = ?`,
      [key.namespace, key.workflow, key.runId, iteration],
    );
    return rows.map((row) => ({
      target: text(row.target),
      seq: Number(row.seq),
      attempt: Number(row.attempt),
      readyAt: Number(row.ready_at),
    }));
  }

  /** Unconsumed signals of the run with these names, in arrival order. */
  async loadSignals(key: RunKey, names: readonly string[]): Promise<SignalRow[]> {
    if (names.length === 0) return [];
    const [rows] = await this.#pool.query<Row[]>(
      `SELECT id, signal_name, payload FROM ${this.#p}signals
        WHERE namespace = ? AND workflow = ? AND run_id = ? AND consumed_iteration IS NULL AND signal_name IN (?)
        ORDER BY id`,
      [key.namespace, key.workflow, key.runId, names],
    );
    return rows.map((row) => ({
      id: Number(row.id),
      signal: text(row.signal_name),
      payloadText: row.payload === null ? null : text(row.payload),
    }));
  }

  /** Extends the lease of every run this owner holds in the namespace. */
  async renewLeases(namespace: string, owner: string, until: number): Promise<number> {
    const [result] = await this.#pool.query<ResultSetHeader>(
      `UPDATE ${this.#p}runs SET lease_until = ? WHERE namespace = ? AND lease_owner = ?`,
      [until, namespace, owner],
    );
    return result.affectedRows;
  }

  /** wake_gen and cancel flag of every run this owner holds, to notice signals and cancels that arrive meanwhile. */
  async heldRuns(
    namespace: string,
    owner: string,
  ): Promise<{ key: RunKey; wakeGen: number; cancelRequested: boolean }[]> {
    const [rows] = await this.#pool.query<Row[]>(
      `SELECT workflow, run_id, wake_gen, cancel_requested FROM ${this.#p}runs WHERE namespace = ? AND lease_owner = ?`,
      [namespace, owner],
    );
    return rows.map((row) => ({
      key: { namespace, workflow: text(row.workflow), runId: text(row.run_id) },
      wakeGen: Number(row.wake_gen),
      cancelRequested: Number(row.cancel_requested) === 1,
    }));
  }

  /** Gives up every lease this owner holds, leaving the runs due now. */
  async releaseAll(namespace: string, owner: string, now: number): Promise<number> {
    const [result] = await this.#pool.query<ResultSetHeader>(
      `UPDATE ${this.#p}runs SET lease_owner = NULL, lease_until = NULL, wake_at = ?
        WHERE namespace = ? AND lease_owner = ? AND status = 'running'`,
      [now, namespace, owner],
    );
    return result.affectedRows;
  }

  /** Releases one run's lease without other changes (e.g. after its step failed to load). */
  async release(key: RunKey, owner: string, wakeAt: number): Promise<void> {
    await this.#pool.query(
      `UPDATE ${this.#p}runs SET lease_owner = NULL, lease_until = NULL, wake_at = ?
        WHERE namespace = ? AND workflow = ? AND run_id = ? AND lease_owner = ?`,
      [wakeAt, key.namespace, key.workflow, key.runId, owner],
    );
  }

  /** Parks a run: status stuck, the error stored, the lease released, never woken again. */
  async park(key: RunKey, owner: string, errorText: string, now: number): Promise<boolean> {
    const [result] = await this.#pool.query<ResultSetHeader>(
      `UPDATE ${this.#p}runs SET status = 'stuck', error = ?, wake_at = NULL, lease_owner = NULL, lease_until = NULL,
              version = version + 1, updated_at = ?
        WHERE namespace = ? AND workflow = ? AND run_id = ? AND lease_owner = ? AND status = 'running'`,
      [errorText, now, key.namespace, key.workflow, key.runId, owner],
    );
    return result.affectedRows === 1;
  }

  /** Writes steps of several runs in one transaction (one fsync); see step-writer.ts. */
  async commit(steps: readonly StepWrite[]): Promise<StepResult[]> {
    return writeSteps(this.#pool, this.#p, steps);
  }
}

function toClaimed(namespace: string, row: Row): ClaimedRun {
  return {
    namespace,
    workflow: text(row.workflow),
    runId: text(row.run_id),
    iteration: Number(row.iteration),
    status: String(row.status),
    version: Number(row.version),
    nextPos: Number(row.next_pos),
    wakeGen: Number(row.wake_gen),
    cancelRequested: Number(row.cancel_requested) === 1,
  };
}
