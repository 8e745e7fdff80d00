import { RunStatus } from "@replaykit/runtime";
import type { Context } from "../context.js";
import { table } from "../format/table.js";
import { parseTags } from "../parse.js";

const STATUSES = Object.values(RunStatus);

/** `runs count`: runs by status per workflow, and how many running runs are queued, active or waiting. */
export async function countRuns(
  context: Context,
  flags: { workflow?: string; queue?: string; tag?: readonly string[] },
): Promise<void> {
  const tags = parseTags(flags.tag ?? []);
  const counts = await context.client.countRuns({
    namespace: context.namespace,
    ...(flags.workflow === undefined ? {} : { workflow: flags.workflow }),
    ...(flags.queue === undefined ? {} : { queue: flags.queue }),
    ...(tags === undefined ? {} : { tags }),
  });
  if (context.json) {
    context.io.out(JSON.stringify(counts, null, 2));
    return;
  }
  const row = (name: string, statuses: Partial<Record<RunStatus, number>>) => [
    name,
    ...STATUSES.map((status) => String(statuses[status] ?? 0)),
  ];
  const workflows = Object.keys(counts.workflows).sort();
  const rows = workflows.map((workflow) => row(workflow, counts.workflows[workflow] ?? {}));
  if (workflows.length > 1) rows.push(row("(all)", counts.statuses));
  const columns = [{ heading: "workflow" }, ...STATUSES.map((heading) => ({ heading, align: "right" as const }))];
  context.io.out(table(columns, rows));
  context.io.out(
    `running: ${counts.queued} queued, ${counts.active} active, ${counts.waiting} waiting, ${counts.paused} paused`,
  );
}
