import type { RowDataPacket } from "mysql2/promise";
import type { SerializedError } from "../../errors.js";
import { decodePayload, text } from "../../json.js";
import type { RunInfo, StreamEvent } from "../../types.js";
import type { RunStatus } from "./schema.js";

/** Columns of `runs` that make up a RunInfo. */
export const RUN_COLUMNS =
  "namespace, workflow, run_id, iteration, status, cancel_requested, input, result, error, created_at, updated_at";

/** Columns of `events` that make up a StreamEvent. */
export const EVENT_COLUMNS = "id, namespace, workflow, run_id, iteration, type, target, seq, payload, created_at";

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
    createdAt: new Date(Number(row.created_at)),
    updatedAt: new Date(Number(row.updated_at)),
  };
}

/** An `events` row as StreamEvent. */
export function toStreamEvent(row: RowDataPacket): StreamEvent {
  const id = Number(row.id);
  return {
    id,
    namespace: text(row.namespace),
    workflow: text(row.workflow),
    runId: text(row.run_id),
    iteration: Number(row.iteration),
    type: text(row.type),
    target: text(row.target),
    seq: Number(row.seq),
    payload: decodePayload(nullableText(row.payload), `event ${id} payload`),
    createdAt: new Date(Number(row.created_at)),
  };
}

function nullableText(value: unknown): string | null {
  return value === null || value === undefined ? null : text(value);
}
