import { json, time } from "../../shared/values.js";
import type { Context } from "../context.js";
import { table } from "../format/table.js";

export async function listSchedules(context: Context): Promise<void> {
  const schedules = await context.client.listSchedules(context.namespace);
  if (context.json) {
    context.io.out(JSON.stringify(schedules, null, 2));
    return;
  }
  if (schedules.length === 0) {
    context.io.err(`no schedules in namespace ${context.namespace}`);
    return;
  }
  const columns = ["id", "workflow", "cron", "zone", "state", "next tick", "last run", "input"].map((heading) => ({
    heading,
  }));
  const rows = schedules.map((schedule) => [
    schedule.id,
    schedule.workflow,
    schedule.cron,
    schedule.timezone,
    schedule.paused ? "paused" : "active",
    time(schedule.nextTick),
    schedule.lastRunId ?? "-",
    json(schedule.input, 40),
  ]);
  context.io.out(table(columns, rows));
}

export async function changeSchedule(context: Context, change: "pause" | "resume" | "trigger", id: string) {
  const { client, namespace } = context;
  let line: string;
  let result: Record<string, unknown> = { id };
  if (change === "pause") {
    await client.pauseSchedule(namespace, id);
    line = `schedule ${id} paused`;
  } else if (change === "resume") {
    await client.resumeSchedule(namespace, id);
    line = `schedule ${id} resumed from its next tick`;
  } else {
    const runId = await client.triggerSchedule(namespace, id);
    line = `schedule ${id} triggered: run ${runId}`;
    result = { id, runId };
  }
  context.io.out(context.json ? JSON.stringify({ ok: true, ...result }) : line);
}
