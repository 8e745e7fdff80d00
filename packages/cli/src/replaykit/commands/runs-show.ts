import { timelineOf } from "@replaykit/runtime";
import { CliRefusedError, CliUsageError } from "../../shared/errors.js";
import { json, time } from "../../shared/values.js";
import type { Context } from "../context.js";
import { showRun } from "../format/run-show.js";
import { table } from "../format/table.js";
import { parseWhole } from "../parse.js";

/** `runs show`: what `describeRun` says, with the steps of the current iteration. */
export async function showRunCommand(context: Context, workflow: string, runId: string): Promise<void> {
  const { client, namespace } = context;
  const run = await client.describeRun(namespace, workflow, runId);
  if (run === undefined) throw notFound(namespace, workflow, runId);
  const steps = timelineOf(await client.getHistory(namespace, workflow, runId, { iteration: run.iteration }));
  if (context.json) {
    context.io.out(JSON.stringify({ run, steps }, null, 2));
    return;
  }
  context.io.out(showRun(run, steps, context.now()));
}

/**
 * `runs history`: the run's events in log order; with --json the events array (as
 * client.getHistory returns it), with --fixture a history file, `{ namespace, workflow, runId,
 * events }`, which replayHistory takes as it is.
 */
export async function showHistory(
  context: Context,
  workflow: string,
  runId: string,
  flags: { iteration?: string; fixture?: boolean },
): Promise<void> {
  const { client, namespace } = context;
  if ((await client.getRun(namespace, workflow, runId)) === undefined) throw notFound(namespace, workflow, runId);
  const iteration = iterationOf(flags.iteration);
  const events = await client.getHistory(namespace, workflow, runId, iteration === undefined ? {} : { iteration });
  if (flags.fixture === true) {
    context.io.out(JSON.stringify({ namespace, workflow, runId, events }, null, 2));
    return;
  }
  if (context.json) {
    context.io.out(JSON.stringify(events, null, 2));
    return;
  }
  const columns = [
    { heading: "iter", align: "right" as const },
    { heading: "pos", align: "right" as const },
    { heading: "type" },
    { heading: "target" },
    { heading: "at" },
    { heading: "payload" },
  ];
  const rows = events.map((event) => [
    String(event.iteration),
    event.pos === null ? "-" : String(event.pos),
    event.type,
    event.target === "" && event.seq === 0 ? "-" : `${event.target}#${event.seq}`,
    time(event.at),
    json(event.payload, 80),
  ]);
  context.io.out(table(columns, rows));
}

function iterationOf(flag: string | undefined): number | "all" | undefined {
  if (flag === undefined) return undefined;
  if (flag === "all") return "all";
  try {
    return parseWhole("--iteration", flag, 0, 2_147_483_647);
  } catch {
    throw new CliUsageError(`invalid --iteration ${JSON.stringify(flag)}: use a whole number from 0, or "all"`);
  }
}

export function notFound(namespace: string, workflow: string, runId: string): CliRefusedError {
  return new CliRefusedError(
    `no run ${workflow}/${runId} in namespace ${namespace}; list runs with: replaykit runs list --workflow ${workflow}`,
  );
}
