import type { Client, RunInfo, ScheduleInfo } from "@replaykit/runtime";
import { type Action, type Body, text } from "./actions.js";

/** A schedule with the run its last tick (or trigger) started, when that run still exists. */
export interface ScheduleRow {
  readonly schedule: ScheduleInfo;
  readonly lastRun: RunInfo | undefined;
}

export interface SchedulesData {
  readonly namespace: string;
  readonly namespaces: readonly string[];
  readonly rows: readonly ScheduleRow[];
  readonly now: number;
}

/** The namespace's schedules, each with the run its last tick started. */
export async function loadSchedules(
  client: Client,
  namespace: string,
  namespaces: readonly string[],
): Promise<SchedulesData> {
  const schedules = await client.listSchedules(namespace);
  const rows = await Promise.all(
    schedules.map(async (schedule) => ({
      schedule,
      lastRun:
        schedule.lastRunId === undefined
          ? undefined
          : await client.getRun(namespace, schedule.workflow, schedule.lastRunId),
    })),
  );
  return { namespace, namespaces, rows, now: client.clock.now() };
}

const scheduleOf = (body: Body) => [text(body, "namespace"), text(body, "schedule")] as const;

export const schedulePauseAction: Action = async ({ client }, body) => {
  const [ns, id] = scheduleOf(body);
  await client.pauseSchedule(ns, id);
  return { status: 200, message: `schedule ${id} paused: its ticks start no run until resumed` };
};

export const scheduleResumeAction: Action = async ({ client }, body) => {
  const [ns, id] = scheduleOf(body);
  await client.resumeSchedule(ns, id);
  return { status: 200, message: `schedule ${id} resumed from its next tick` };
};

export const scheduleTriggerAction: Action = async ({ client }, body) => {
  const [ns, id] = scheduleOf(body);
  const runId = await client.triggerSchedule(ns, id);
  return { status: 200, message: `schedule ${id} triggered: run ${runId} started` };
};

export const scheduleDeleteAction: Action = async ({ client }, body) => {
  const [ns, id] = scheduleOf(body);
  return (await client.deleteSchedule(ns, id))
    ? { status: 200, message: `schedule ${id} deleted; the runs it started stay` }
    : { status: 404, message: `no schedule ${id} in namespace ${ns}` };
};
