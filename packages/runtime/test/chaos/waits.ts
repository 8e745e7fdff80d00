import type { Pool, RowDataPacket } from "mysql2/promise";
import type { MySqlClient } from "../../src/index.js";
import { retrying } from "./producer.js";

type Row = RowDataPacket & Record<string, unknown>;

/**
 * The tokens-and-events part of the chaos workload (workflow "waits"): starts the runs in
 * batches and publishes each run's "paid" event twice under one event id (the second is dropped),
 * before its run starts for even batches and after for odd ones; meanwhile, until `done()`,
 * completes every waiting token of the namespace, twice (the second answers false).
 */
export async function produceWaits(
  client: MySqlClient,
  pool: Pool,
  namespace: string,
  runIds: readonly string[],
  pace: { readonly batch: number; readonly batchIntervalMs: number; readonly deadline: number },
  done: () => boolean,
): Promise<void> {
  const completing = completeTokens(client, pool, namespace, pace.deadline, done);
  const { batch, batchIntervalMs, deadline } = pace;
  const start = (ids: readonly string[]) =>
    retrying(deadline, () => Promise.all(ids.map((id, i) => client.runWorkflow(namespace, "waits", id, i))));
  const publish = (ids: readonly string[]) =>
    retrying(deadline, () =>
      Promise.all(
        ids.map((id) => client.publishEvent(namespace, "paid", { for: id }, { key: id, eventId: `paid-${id}` })),
      ),
    );
  for (let i = 0, k = 0; i < runIds.length; i += batch, k++) {
    const ids = runIds.slice(i, i + batch);
    if (k % 2 === 0) await publish(ids);
    await start(ids);
    await publish(ids);
    await new Promise((resolve) => setTimeout(resolve, batchIntervalMs));
  }
  await completing;
}

async function completeTokens(
  client: MySqlClient,
  pool: Pool,
  namespace: string,
  deadline: number,
  done: () => boolean,
): Promise<void> {
  while (!done() && Date.now() < deadline) {
    const [rows] = await pool
      .query<Row[]>("SELECT token_id FROM replay_tokens WHERE namespace = ? AND state = 'waiting'", [namespace])
      .catch(() => [[] as Row[]]);
    for (const row of rows) {
      const id = String(row.token_id);
      await retrying(deadline, () => client.completeToken(id, { approved: id }));
      await retrying(deadline, () => client.completeToken(id, { approved: "twice" }));
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export interface WaitsAudit {
  /** Token completions and event deliveries the runs received (not timeouts). */
  readonly completions: number;
  readonly deliveries: number;
  readonly timeouts: number;
  /** Runs that received more than one completion of a token, or more than one event. */
  readonly twice: readonly string[];
  /** Tokens not completed, and inbox rows of tokens and events no wait consumed. */
  readonly tokensNotCompleted: number;
  readonly unconsumed: number;
  /** Runs whose result does not carry their own token's completion and their own event. */
  readonly wrongResults: readonly string[];
}

/** What the "waits" runs of the namespace received, once every run ended. */
export async function auditWaits(pool: Pool, namespace: string): Promise<WaitsAudit> {
  const [events] = await pool.query<Row[]>(
    `SELECT run_id, type, payload FROM replay_events
      WHERE namespace = ? AND type IN ('token_completed', 'event_received')`,
    [namespace],
  );
  const seen = new Map<string, number>();
  let completions = 0;
  let deliveries = 0;
  let timeouts = 0;
  for (const row of events) {
    const body = JSON.parse(String(row.payload)) as { timedOut?: true };
    if (body.timedOut) timeouts++;
    else if (row.type === "token_completed") completions++;
    else deliveries++;
    const key = `${String(row.run_id)}/${String(row.type)}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  const [tokens] = await pool.query<Row[]>(
    "SELECT COUNT(*) AS n FROM replay_tokens WHERE namespace = ? AND state <> 'completed'",
    [namespace],
  );
  const [inbox] = await pool.query<Row[]>(
    `SELECT COUNT(*) AS n FROM replay_signals
      WHERE namespace = ? AND signal_name IN ('/token', '/event') AND consumed_iteration IS NULL`,
    [namespace],
  );
  return {
    completions,
    deliveries,
    timeouts,
    twice: [...seen].filter(([, n]) => n > 1).map(([key]) => key),
    tokensNotCompleted: Number(tokens[0]?.n),
    unconsumed: Number(inbox[0]?.n),
    wrongResults: await wrongResults(pool, namespace),
  };
}

async function wrongResults(pool: Pool, namespace: string): Promise<string[]> {
  const [runs] = await pool.query<Row[]>(
    "SELECT r.run_id, r.result, t.token_id FROM replay_runs r JOIN replay_tokens t ON t.namespace = r.namespace AND t.workflow = r.workflow AND t.run_id = r.run_id WHERE r.namespace = ? AND r.workflow = 'waits'",
    [namespace],
  );
  return runs
    .filter((row) => {
      const result = JSON.parse(String(row.result)) as { approved?: { approved?: string }; paid?: { for?: string } };
      return result.approved?.approved !== String(row.token_id) || result.paid?.for !== String(row.run_id);
    })
    .map((row) => String(row.run_id));
}
