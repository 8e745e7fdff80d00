import { randomBytes } from "node:crypto";
import type { RowDataPacket } from "mysql2/promise";
import type { Client } from "../../src/api.js";
import { CodecStore, type EncodedNode, type MySqlClient, MySqlStore, type RunKey } from "../../src/index.js";
import { MemoryStore, tablesOf } from "../../src/store/memory/store.js";

/** Two 32-byte keys for aesGcmCodec. */
export const KEYS = { k1: randomBytes(32), k2: randomBytes(32) };

/** The store under a client's payload boundary. */
export function storeOf(client: Client): MemoryStore | MySqlStore {
  const store = client.store instanceof CodecStore ? client.store.inner : client.store;
  if (store instanceof MemoryStore || store instanceof MySqlStore) return store;
  throw new Error(`no test access to ${store.description}`);
}

/** The run's events with their payloads as stored (getHistory's raw), by "type target#seq". */
export async function storedPayloads(client: Client, key: RunKey): Promise<Map<string, unknown>> {
  const events = await client.getHistory(key.namespace, key.workflow, key.runId, { raw: true, iteration: "all" });
  return new Map(events.map((event) => [`${event.type} ${event.target}#${event.seq}`, event.payload]));
}

/** The node of a stored `{"$encoded": {...}}` payload; fails the test when the payload is not encoded. */
export function encodedNode(stored: unknown): EncodedNode {
  const node = (stored as { $encoded?: EncodedNode } | null)?.$encoded;
  if (node === undefined) throw new Error(`the stored payload is not encoded: ${JSON.stringify(stored)}`);
  return node;
}

/** Every stored payload text of a run's events, as the store holds them. */
export async function storedTexts(client: Client, key: RunKey): Promise<string[]> {
  const store = storeOf(client);
  if (store instanceof MemoryStore) {
    return (tablesOf(store).run(key)?.events ?? []).map((event) => event.payloadText ?? "");
  }
  const [rows] = await (client as MySqlClient).pool.query<RowDataPacket[]>(
    `SELECT payload FROM ${store.prefix}events WHERE namespace = ? AND workflow = ? AND run_id = ? ORDER BY id`,
    [key.namespace, key.workflow, key.runId],
  );
  return rows.map((row) => String(row.payload ?? ""));
}

/** Flips one byte in the middle of the encoded bytes of the run's created event, as someone with database access could. */
export async function tamperWithInput(client: Client, key: RunKey): Promise<void> {
  const store = storeOf(client);
  const change = (text: string) => {
    const parsed = JSON.parse(text) as { $encoded: EncodedNode & { data: string } };
    const bytes = Buffer.from(parsed.$encoded.data, "base64");
    bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] ?? 0) ^ 0x01;
    return JSON.stringify({ $encoded: { ...parsed.$encoded, data: bytes.toString("base64") } });
  };
  if (store instanceof MemoryStore) {
    const event = tablesOf(store)
      .run(key)
      ?.events.find((row) => row.type === "created");
    if (event?.payloadText) Object.assign(event, { payloadText: change(event.payloadText) });
    return;
  }
  const where = "namespace = ? AND workflow = ? AND run_id = ? AND type = 'created'";
  const pool = (client as MySqlClient).pool;
  const [rows] = await pool.query<RowDataPacket[]>(`SELECT payload FROM ${store.prefix}events WHERE ${where}`, [
    key.namespace,
    key.workflow,
    key.runId,
  ]);
  await pool.query(`UPDATE ${store.prefix}events SET payload = ? WHERE ${where}`, [
    change(String(rows[0]?.payload)),
    key.namespace,
    key.workflow,
    key.runId,
  ]);
}

/** How many offloaded payloads of the run the store's own payload table holds. */
export async function offloadedCount(client: Client, key: RunKey): Promise<number> {
  const store = storeOf(client);
  if (store instanceof MemoryStore) {
    return tablesOf(store).payloads.get(`${key.namespace}/${key.workflow}/${key.runId}`)?.size ?? 0;
  }
  const [rows] = await (client as MySqlClient).pool.query<RowDataPacket[]>(
    `SELECT COUNT(DISTINCT id) AS n FROM ${store.prefix}payloads WHERE namespace = ? AND workflow = ? AND run_id = ?`,
    [key.namespace, key.workflow, key.runId],
  );
  return Number(rows[0]?.n ?? 0);
}
