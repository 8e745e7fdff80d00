import type { ListRunsFilter, RunInfo, Tags } from "@replaykit/runtime";
import { scriptReplacer } from "../../shared/sealed.js";
import { counted, time } from "../../shared/values.js";
import type { Context } from "../context.js";
import { table } from "../format/table.js";
import { parseWhole } from "../parse.js";
import { type FilterFlags, formatTag, selectionOf } from "./run-filter.js";

export interface ListFlags extends FilterFlags {
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
  return {
    namespace: context.namespace,
    order: flags.oldestFirst === true ? "asc" : "desc",
    limit: flags.limit === undefined ? 50 : parseWhole("--limit", flags.limit, 1, 1000),
    ...selectionOf(context, flags),
    ...(flags.cursor === undefined ? {} : { cursor: flags.cursor }),
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
      { heading: "tags" },
    ],
    runs.map((run) => [
      run.workflow,
      run.runId,
      run.cancelRequested && run.status === "running" ? "running (cancel asked)" : run.status,
      String(run.iteration),
      time(run.createdAt),
      time(run.updatedAt),
      run.queue ?? "-",
      tagsText(run.tags),
    ]),
  );
}

/** A run's tags on one line, as --tag takes them: `customer=c-42 attempt:=3`, or "-". */
export function tagsText(tags: Tags | undefined): string {
  const entries = Object.entries(tags ?? {});
  return entries.length === 0 ? "-" : entries.map(([key, value]) => formatTag(key, value)).join(" ");
}
