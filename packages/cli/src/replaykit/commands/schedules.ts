import { CliRefusedError, CliUsageError } from "../../shared/errors.js";
import { peopleLine, scriptReplacer } from "../../shared/sealed.js";
import { time } from "../../shared/values.js";
import type { Context } from "../context.js";
import { table } from "../format/table.js";

export async function listSchedules(context: Context): Promise<void> {
  const schedules = await context.client.listSchedules(context.namespace);
  if (context.json) {
    context.io.out(JSON.stringify(schedules, scriptReplacer(context.view.sealedOf), 2));
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
    peopleLine(schedule.input, context.view.sealedOf, 40),
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

/**
 * Deletes a schedule (its runs are kept). Asks first, unless --yes: a script passes --yes, and
 * without a terminal to ask on and without --yes nothing is deleted.
 */
export async function deleteSchedule(context: Context, id: string, flags: { yes?: boolean }): Promise<void> {
  const { client, namespace, io } = context;
  if (flags.yes !== true) {
    if (io.confirm === undefined) {
      throw new CliUsageError(
        `schedules delete ${id} asks before it deletes, and no one can answer here: add --yes to delete it without asking`,
      );
    }
    if (!(await io.confirm(`delete schedule ${id} of namespace ${namespace}? The runs it started are kept.`))) {
      throw new CliRefusedError(`schedule ${id} was not deleted: not confirmed`);
    }
  }
  if (!(await client.deleteSchedule(namespace, id))) {
    throw new CliRefusedError(`schedule ${id} does not exist in namespace ${namespace}; nothing was deleted`);
  }
  io.out(context.json ? JSON.stringify({ ok: true, id }) : `schedule ${id} deleted; the runs it started are kept`);
}
