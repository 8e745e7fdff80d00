import type { ListRunsFilter, RunInfo, RunStatus } from "@replaykit/runtime";
import { scriptReplacer } from "../../shared/sealed.js";
import { counted, time } from "../../shared/values.js";
import type { Context } from "../context.js";
import { table } from "../format/table.js";
import { parseStatus, parseTime, parseWhole } from "../parse.js";

export interface ListFlags {
  readonly workflow?: string;
  readonly status?: string;
  readonly queue?: string;
  readonly version?: string;
  readonly createdAfter?: string;
  readonly createdBefore?: string;
  readonly prefix?: string;
  readonly limit?: string;
  readonly cursor?: string;
  readonly oldestFirst?: boolean;
}

/** `runs list`: one page of runs, newest first, with the flag that fetches the next. */
export async function listRuns(context: Context, flags: ListFlags): Promise<void> {
  const page = await context.client.listRuns(filterOf(context, flags));
  if (context.json) {
    context.io.out(JSON.stringify(page, scriptReplacer(context.view.sealedOf), 2));
    return;
  }
  if (page.runs.length === 0) {
    context.io.err(`no runs in namespace ${context.namespace} match`);
    return;
  }
  context.io.out(runsTable(page.runs));
  const more = page.nextCursor === undefined ? "" : `; next page: add --cursor ${page.nextCursor}`;
  context.io.err(`${counted(page.runs.length, "run")}${more}`);
}

function filterOf(context: Context, flags: ListFlags): ListRunsFilter {
  const now = context.now();
  const status: RunStatus | undefined = flags.status === undefined ? undefined : parseStatus("--status", flags.status);
  return {
    namespace: context.namespace,
    order: flags.oldestFirst === true ? "asc" : "desc",
    limit: flags.limit === undefined ? 50 : parseWhole("--limit", flags.limit, 1, 1000),
    ...(flags.workflow === undefined ? {} : { workflow: flags.workflow }),
    ...(status === undefined ? {} : { status }),
    ...(flags.queue === undefined ? {} : { queue: flags.queue }),
    ...(flags.version === undefined ? {} : { version: flags.version }),
    ...(flags.prefix === undefined ? {} : { runIdPrefix: flags.prefix }),
    ...(flags.cursor === undefined ? {} : { cursor: flags.cursor }),
    ...(flags.createdAfter === undefined
      ? {}
      : { createdAfter: parseTime("--created-after", flags.createdAfter, now) }),
    ...(flags.createdBefore === undefined
      ? {}
      : { createdBefore: parseTime("--created-before", flags.createdBefore, now) }),
  };
}

export function runsTable(runs: readonly RunInfo[]): string {
  return table(
    [
      { heading: "workflow" },
      { heading: "run id" },
      { heading: "status" },
      { heading: "iter", align: "right" },
      { heading: "created" },
      { heading: "updated" },
      { heading: "queue" },
    ],
    runs.map((run) => [
      run.workflow,
      run.runId,
      run.cancelRequested && run.status === "running" ? "running (cancel asked)" : run.status,
      String(run.iteration),
      time(run.createdAt),
      time(run.updatedAt),
      run.queue ?? "-",
    ]),
  );
}
