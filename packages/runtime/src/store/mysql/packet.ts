import type { Pool } from "mysql2/promise";
import { PacketTooLargeError } from "../../errors.js";
import type { StepResult, StepWrite } from "../types.js";
import type { Row } from "./rows.js";

/*
 * Group commits sized by bytes. The server refuses a packet larger than its max_allowed_packet
 * and drops the connection: a batch of steps that each carry a result of nearly a megabyte can
 * pass it, and each of its steps would then fail and run its activities again. So a batch is
 * cut where its statements would pass the budget (max_allowed_packet less room for the SQL),
 * counted as an upper bound: a value counts twice, since escaping it for the SQL text can
 * double it.
 */

/** Room kept in a packet for SQL text and the small values of the rows. */
const HEADROOM_BYTES = 64 * 1024;
/** What a row adds besides its large values: keys, names, numbers and separators. */
const ROW_BYTES = 1024;

/** The server's max_allowed_packet, in bytes. */
export async function readMaxPacket(pool: Pool): Promise<number> {
  const [rows] = await pool.query<Row[]>("SELECT @@max_allowed_packet AS packet");
  return Number(rows[0]?.packet);
}

/** How many bytes of statements a batch may send in one packet. */
export function packetBudget(maxPacket: number): number {
  return Math.max(maxPacket - HEADROOM_BYTES, maxPacket / 2);
}

/** An upper bound of what a value adds to the SQL text: escaping can double a string. */
function valueBytes(text: string | null | undefined): number {
  return text === null || text === undefined ? 0 : 2 * Buffer.byteLength(text, "utf8");
}

/** The rows a step writes, each as the bytes it adds to a statement (see valueBytes). */
function rowBytes(step: StepWrite): number[] {
  const end = step.end === undefined ? 0 : valueBytes(step.end.resultText) + valueBytes(step.end.errorText);
  return [
    ROW_BYTES + end + valueBytes(step.restart?.inputText),
    ...step.events.map((event) => ROW_BYTES + valueBytes(event.payloadText)),
    ...step.taskWrites.map((task) => ROW_BYTES + valueBytes(task.lastError) + valueBytes(task.heartbeat)),
    ...step.childStarts.map((child) => ROW_BYTES + valueBytes(child.inputText)),
    ...step.signalsSent.map((sent) => ROW_BYTES + valueBytes(sent.signal.payloadText)),
    ...step.signalsConsumed.map(() => ROW_BYTES),
    ...(step.requestWrites ?? []).map(
      (write) => ROW_BYTES + valueBytes(write.inputText) + valueBytes(write.resultText) + valueBytes(write.errorText),
    ),
  ];
}

/** All a step adds to a batch's statements. */
export function stepBytes(step: StepWrite): number {
  return rowBytes(step).reduce((sum, bytes) => sum + bytes, 0);
}

/**
 * The refusal of a step that no packet can carry: one of its rows alone passes the budget (its
 * events are written in packets of their own when the step as a whole does, see eventRowBatches).
 */
export function unwritableStep(step: StepWrite, budget: number, maxPacket: number): StepResult | undefined {
  const largest = Math.max(...rowBytes(step));
  if (largest <= budget) return undefined;
  const error = new PacketTooLargeError(`a value of the step of run ${step.key.runId}`, largest, maxPacket);
  return { ok: false, reason: error.message, unwritable: error };
}

/** The steps in order, cut into batches whose statements fit the budget; a step that passes it alone is a batch of its own. */
export function packetBatches(steps: readonly StepWrite[], budget: number): StepWrite[][] {
  const batches: StepWrite[][] = [];
  let current: StepWrite[] = [];
  let bytes = 0;
  for (const step of steps) {
    const size = stepBytes(step);
    if (current.length > 0 && bytes + size > budget) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(step);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** Event rows cut into groups of at most `budget` bytes (each row fits: see unwritableStep). */
export function eventRowBatches<
  T extends { readonly placed: { readonly event: { readonly payloadText: string | null } } },
>(rows: readonly T[], budget: number): T[][] {
  const groups: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const row of rows) {
    const size = ROW_BYTES + valueBytes(row.placed.event.payloadText);
    if (current.length > 0 && bytes + size > budget) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(row);
    bytes += size;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}
