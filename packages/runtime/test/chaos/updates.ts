import type { Pool, RowDataPacket } from "mysql2/promise";
import type { MySqlClient } from "../../src/index.js";
import { retrying } from "./producer.js";

/**
 * Sends each run its `bump` update twice with one update id, from this process (which runs no
 * worker: the requests ride the store), retrying through kills and outages with the same id.
 * Resolves with what each call answered, by run.
 */
export function sendBumps(
  client: MySqlClient,
  namespace: string,
  workflow: string,
  ids: readonly string[],
  deadline: number,
): Promise<Map<string, unknown[]>> {
  const bump = (id: string) =>
    retrying(deadline, () =>
      client.executeUpdate(namespace, workflow, id, "bump", 1, { updateId: `bump-${id}`, timeout: "60s" }),
    );
  return Promise.all(ids.map(async (id) => [id, await Promise.all([bump(id), bump(id)])] as const)).then(
    (answers) => new Map(answers),
  );
}

export interface UpdateAudit {
  /** Runs with other than exactly one update_accepted event. */
  readonly notAcceptedOnce: readonly string[];
  /** Runs with other than exactly one update_completed event. */
  readonly notCompletedOnce: readonly string[];
  /** Requests of the namespace by status. */
  readonly requests: Record<string, number>;
}

export async function auditUpdates(pool: Pool, namespace: string, runIds: readonly string[]): Promise<UpdateAudit> {
  const [events] = await pool.query<RowDataPacket[]>(
    `SELECT run_id, type, COUNT(*) AS n FROM replay_events
      WHERE namespace = ? AND type IN ('update_accepted', 'update_completed') GROUP BY run_id, type`,
    [namespace],
  );
  const count = (type: string) => {
    const counts = new Map<string, number>();
    for (const row of events) if (row.type === type) counts.set(String(row.run_id), Number(row.n));
    return runIds.filter((id) => counts.get(id) !== 1);
  };
  const [requests] = await pool.query<RowDataPacket[]>(
    "SELECT status, COUNT(*) AS n FROM replay_requests WHERE namespace = ? GROUP BY status",
    [namespace],
  );
  const statuses: Record<string, number> = {};
  for (const row of requests) statuses[String(row.status)] = Number(row.n);
  return { notAcceptedOnce: count("update_accepted"), notCompletedOnce: count("update_completed"), requests: statuses };
}
