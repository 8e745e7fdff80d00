import type { Pool, RowDataPacket } from "mysql2/promise";

export interface SignalAudit {
  readonly stored: number;
  readonly unconsumed: number;
  /** signal_response events that delivered a signal (not a timeout). */
  readonly delivered: number;
  /** Signal ids delivered by more than one signal_response event. */
  readonly consumedTwice: readonly number[];
}

export async function auditSignals(pool: Pool, namespace: string): Promise<SignalAudit> {
  const [signals] = await pool.query<RowDataPacket[]>(
    "SELECT COUNT(*) AS n, SUM(consumed_iteration IS NULL) AS open FROM replay_signals WHERE namespace = ? AND signal_name NOT LIKE '/%'",
    [namespace],
  );
  const [responses] = await pool.query<RowDataPacket[]>(
    "SELECT payload FROM replay_events WHERE namespace = ? AND type = 'signal_response'",
    [namespace],
  );
  const seen = new Set<number>();
  const twice: number[] = [];
  let delivered = 0;
  for (const row of responses) {
    const body = JSON.parse(String(row.payload)) as { signalId?: number };
    if (body.signalId === undefined) continue;
    delivered++;
    if (seen.has(body.signalId)) twice.push(body.signalId);
    seen.add(body.signalId);
  }
  return {
    stored: Number(signals[0]?.n),
    unconsumed: Number(signals[0]?.open ?? 0),
    delivered,
    consumedTwice: twice,
  };
}
