import type { Client, RunInfo, ScheduleInfo } from "@replaykit/runtime";
import { type Action, type Body, text } from "./actions.js";
import { param, type RouteContext, sendHtml } from "./http.js";
import { messagePage } from "./pages/layout.js";
import { schedulesLive, schedulesPage } from "./pages/schedules-page.js";

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

/** GET /schedules?ns: the namespace's schedules (or the live region with partial=1). */
export async function schedulesRoute(context: RouteContext): Promise<void> {
  const { url, response, client } = context;
  const namespaces = await client.listNamespaces();
  const namespace = param(url, "ns") ?? context.namespace ?? namespaces[0];
  if (namespace === undefined) {
    sendHtml(response, 200, messagePage("No namespaces yet", "This database has no runs, so no namespace to show."));
    return;
  }
  const data = await loadSchedules(client, namespace, namespaces);
  sendHtml(response, 200, param(url, "partial") ? schedulesLive(data) : schedulesPage(data));
}

async function loadSchedules(client: Client, namespace: string, namespaces: readonly string[]): Promise<SchedulesData> {
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
