import type { HistoryEvent } from "@replaykit/runtime";
import { CliRefusedError, CliUsageError } from "../../shared/errors.js";
import { firstSealed, peopleLine, scriptReplacer, sealedText } from "../../shared/sealed.js";
import { outcomeOf, stepsOf } from "../../shared/steps.js";
import { time } from "../../shared/values.js";
import type { Context } from "../context.js";
import { showRun } from "../format/run-show.js";
import { table } from "../format/table.js";
import { parseWhole } from "../parse.js";

/** `runs show`: what `describeRun` says, with the steps of the current iteration. */
export async function showRunCommand(context: Context, workflow: string, runId: string): Promise<void> {
  const { client, namespace, view } = context;
  const run = await client.describeRun(namespace, workflow, runId);
  if (run === undefined) throw notFound(namespace, workflow, runId);
  const history = await client.getHistory(namespace, workflow, runId, { iteration: run.iteration });
  const steps = stepsOf(history, view.sealedOf);
  if (context.json) {
    const shown = steps.map((step) => ({ ...step, outcome: outcomeOf(step, view.sealedOf) }));
    context.io.out(JSON.stringify({ run, steps: shown }, scriptReplacer(view.sealedOf), 2));
    return;
  }
  context.io.out(showRun(run, steps, context.now(), view.sealedOf));
}

interface HistoryFlags {
  readonly iteration?: string;
  readonly fixture?: boolean;
  readonly raw?: boolean;
}

/**
 * `runs history`: the run's events in log order; with --json the events array (as
 * client.getHistory returns it), with --fixture a history file, `{ namespace, workflow, runId,
 * events }`, which replayHistory takes as it is (with `raw: true` and the codecs after --raw).
 */
export async function showHistory(context: Context, workflow: string, runId: string, flags: HistoryFlags) {
  const { client, namespace, view } = context;
  if ((await client.getRun(namespace, workflow, runId)) === undefined) throw notFound(namespace, workflow, runId);
  const iteration = iterationOf(flags.iteration);
  const raw = flags.raw === true;
  const events = await client.getHistory(namespace, workflow, runId, {
    ...(iteration === undefined ? {} : { iteration }),
    ...(raw ? { raw } : {}),
  });
  if (flags.fixture === true) {
    if (!raw) refuseSealed(context, events, `${workflow}/${runId}`);
    context.io.out(JSON.stringify({ namespace, workflow, runId, events }, null, 2));
    return;
  }
  if (context.json) {
    context.io.out(JSON.stringify(events, scriptReplacer(view.sealedOf), 2));
    return;
  }
  context.io.out(historyTable(events, context));
}

function historyTable(events: readonly HistoryEvent[], context: Context): string {
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
    peopleLine(event.payload, context.view.sealedOf, 80),
  ]);
  return table(columns, rows);
}

/** A history file must hold the values replay needs: a sealed payload in it would fail the replay. */
function refuseSealed(context: Context, events: readonly HistoryEvent[], run: string): void {
  const sealed = firstSealed(
    events.map((event) => event.payload),
    context.view.sealedOf,
  );
  if (sealed === undefined) return;
  const fix = {
    secret: "add --show-secrets",
    offloaded: "add --load-offloaded",
    encrypted: "pass --codec-config <file> with its key",
    encoded: "serve it from code with a client that has the codec",
    unreadable: "restore the payload",
  }[sealed.reason];
  throw new CliRefusedError(
    `the history of ${run} holds a payload this command shows as ${sealedText(sealed)}, which a history file cannot replay: ${fix}, or add --raw for the history as stored (replayHistory with raw: true and the codecs)`,
  );
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
