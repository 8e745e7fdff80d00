import type { SerializedError } from "../../errors.js";
import { decodePayload } from "../../json.js";
import type { RunInfo } from "../records.js";
import { FRESH_VERSION, type ScheduleInfo } from "../types.js";
import type { RunRow, ScheduleRow } from "./tables.js";

/** A run row as RunInfo, with its payloads decoded as the MySQL store decodes them. */
export function decodeRunInfo(run: RunRow): RunInfo {
  const where = `run ${run.namespace}/${run.workflow}/${run.runId}`;
  const result = decodePayload(run.resultText, `${where} result`);
  const error = decodePayload(run.errorText, `${where} error`) as SerializedError | undefined;
  return {
    namespace: run.namespace,
    workflow: run.workflow,
    runId: run.runId,
    status: run.status,
    iteration: run.iteration,
    input: decodePayload(run.inputText, `${where} input`),
    ...(result === undefined ? {} : { result }),
    ...(error === undefined ? {} : { error }),
    cancelRequested: run.cancelRequested,
    ...(run.codeVersion === null ? {} : { version: run.codeVersion }),
    ...(run.parent === null ? {} : { parent: { workflow: run.parent.workflow, runId: run.parent.runId } }),
    ...(run.deadline === null ? {} : { deadline: new Date(run.deadline) }),
    ...(run.queue === null ? {} : { queue: run.queue }),
    priority: run.priority,
    ...(run.concurrencyKey === null ? {} : { concurrencyKey: run.concurrencyKey }),
    ...(run.scheduledAt === null ? {} : { scheduledAt: new Date(run.scheduledAt) }),
    createdAt: new Date(run.createdAt),
    updatedAt: new Date(run.updatedAt),
    takenUp: run.iteration > 0 || run.version > FRESH_VERSION,
    paused: run.paused,
    tags: run.tags,
  };
}

/** A schedule row as ScheduleInfo. */
export function decodeSchedule(row: ScheduleRow): ScheduleInfo {
  const { namespace, id, workflow, cron, timezone, inputText, overlap, catchup } = row.spec;
  return {
    namespace,
    id,
    workflow,
    cron,
    timezone,
    input: decodePayload(inputText, `input of schedule ${id}`),
    overlap,
    catchup,
    paused: row.paused,
    ...(row.nextTick === null ? {} : { nextTick: new Date(row.nextTick) }),
    ...(row.lastTick === null ? {} : { lastTick: new Date(row.lastTick) }),
    ...(row.lastRunId === null ? {} : { lastRunId: row.lastRunId }),
    createdAt: new Date(row.createdAt),
    updatedAt: new Date(row.updatedAt),
  };
}
