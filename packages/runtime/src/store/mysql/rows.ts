import type { RowDataPacket } from "mysql2/promise";
import type { SerializedError } from "../../errors.js";
import {
  decodeEvent,
  decodeTags,
  type HistoryEvent,
  type RecordedEvent,
  type RunStatus,
  rawEvent,
  type StoredEvent,
} from "../../history/index.js";
import { decodePayload } from "../../json.js";
import type { RunInfo, StreamEvent } from "../records.js";
import { FRESH_VERSION } from "../types.js";

/** A row as mysql2 returns it. */
export type Row = RowDataPacket & Record<string, unknown>;

/** A VARBINARY column comes back as a Buffer; names are UTF-8 text. */
export function text(value: unknown): string {
  if (typeof value === "string") return value;
  if (Buffer.isBuffer(value)) return value.toString("utf8");
  return String(value);
}

export function nullableText(value: unknown): string | null {
  return value === null || value === undefined ? null : text(value);
}

/** Columns of `runs` that make up a RunInfo. */
export const RUN_COLUMNS =
  "namespace, workflow, run_id, iteration, status, cancel_requested, code_version, parent_workflow, parent_run_id, deadline, queue, priority, concurrency_key, scheduled_at, input, result, error, created_at, updated_at, version, paused, tags";

/** Columns of `events` that make up a StreamEvent. */
export const EVENT_COLUMNS = "id, namespace, workflow, run_id, iteration, pos, type, target, seq, payload, created_at";

/** A `runs` row as RunInfo; payloads decoded, names as UTF-8 text. */
export function toRunInfo(row: RowDataPacket): RunInfo {
  const runId = text(row.run_id);
  const where = `run ${text(row.namespace)}/${text(row.workflow)}/${runId}`;
  const result = decodePayload(nullableText(row.result), `${where} result`);
  const error = decodePayload(nullableText(row.error), `${where} error`) as SerializedError | undefined;
  return {
    namespace: text(row.namespace),
    workflow: text(row.workflow),
    runId,
    status: text(row.status) as RunStatus,
    iteration: Number(row.iteration),
    input: decodePayload(nullableText(row.input), `${where} input`),
    ...(result === undefined ? {} : { result }),
    ...(error === undefined ? {} : { error }),
    cancelRequested: Number(row.cancel_requested) !== 0,
    ...(row.code_version === null ? {} : { version: text(row.code_version) }),
    ...(row.parent_run_id === null
      ? {}
      : { parent: { workflow: text(row.parent_workflow), runId: text(row.parent_run_id) } }),
    ...(row.deadline === null ? {} : { deadline: new Date(Number(row.deadline)) }),
    ...(row.queue === null ? {} : { queue: text(row.queue) }),
    priority: Number(row.priority),
    ...(row.concurrency_key === null ? {} : { concurrencyKey: text(row.concurrency_key) }),
    ...(row.scheduled_at === null ? {} : { scheduledAt: new Date(Number(row.scheduled_at)) }),
    createdAt: new Date(Number(row.created_at)),
    updatedAt: new Date(Number(row.updated_at)),
    takenUp: Number(row.iteration) > 0 || Number(row.version) > FRESH_VERSION,
    paused: Number(row.paused) === 1,
    tags: decodeTags(nullableText(row.tags), `${where} tags`),
  };
}

/** An `events` row decoded through the event vocabulary. */
export function toRecordedEvent(row: RowDataPacket, runId: string): RecordedEvent {
  const stored = toStoredEvent(row);
  return decodeEvent(stored, `event ${stored.type} ${stored.target}#${stored.seq} of run ${runId}`);
}

/** An `events` row with its payload as stored (getHistory's `raw`). */
export function toRawEvent(row: RowDataPacket, runId: string): HistoryEvent {
  const stored = toStoredEvent(row);
  return rawEvent(stored, `event ${stored.type} ${stored.target}#${stored.seq} of run ${runId}`);
}

function toStoredEvent(row: RowDataPacket): StoredEvent {
  return {
    iteration: Number(row.iteration),
    pos: row.pos === null ? null : Number(row.pos),
    type: text(row.type),
    target: text(row.target),
    seq: Number(row.seq),
    payloadText: nullableText(row.payload),
    at: Number(row.created_at),
  };
}

/** An `events` row as StreamEvent. */
export function toStreamEvent(row: RowDataPacket): StreamEvent {
  const runId = text(row.run_id);
  const event = toRecordedEvent(row, runId);
  return {
    id: Number(row.id),
    namespace: text(row.namespace),
    workflow: text(row.workflow),
    runId,
    iteration: event.iteration,
    type: event.type,
    target: event.target,
    seq: event.seq,
    payload: event.payload,
    createdAt: new Date(event.at),
  };
}
