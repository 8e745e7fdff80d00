import type { EndStatus } from "@replaykit/runtime";
import { CliRefusedError, CliUsageError } from "../../shared/errors.js";
import { counted, time } from "../../shared/values.js";
import type { Context } from "../context.js";
import { parseInteger, parseJson, parseStatus, parseTime, parseWhole } from "../parse.js";

/** Prints what a change did: a line for people, an object for scripts. */
function done(context: Context, line: string, result: Record<string, unknown>): void {
  context.io.out(context.json ? JSON.stringify({ ok: true, ...result }) : line);
}

export async function cancelRun(context: Context, workflow: string, runId: string): Promise<void> {
  const { client, namespace } = context;
  const asked = await client.cancelRun(namespace, workflow, runId);
  if (!asked) {
    const run = await client.getRun(namespace, workflow, runId);
    const why = run?.status === "running" ? "a cancel was asked before" : `it is ${run?.status ?? "gone"}`;
    throw new CliRefusedError(`run ${workflow}/${runId} was not cancelled: ${why}`);
  }
  // A run that never ran is cancelled at once; a started one at its workflow's next step.
  const ended = (await client.getRun(namespace, workflow, runId))?.status === "cancelled";
  const line = ended
    ? `run ${workflow}/${runId} cancelled (it had not started)`
    : `cancel of run ${workflow}/${runId} requested; a worker ends it at its next step`;
  done(context, line, { workflow, runId, cancelled: ended });
}

export async function resumeRun(
  context: Context,
  workflow: string,
  runId: string,
  flags: { version?: string },
): Promise<void> {
  const { client, namespace } = context;
  await client.resumeRun(namespace, workflow, runId, flags.version === undefined ? {} : { version: flags.version });
  const on = flags.version === undefined ? "" : ` on workers of version ${flags.version}`;
  done(context, `run ${workflow}/${runId} resumed: it replays again${on}`, { workflow, runId });
}

export async function forkRun(
  context: Context,
  workflow: string,
  runId: string,
  flags: { newRunId?: string; fromStep?: string; version?: string; queue?: string; priority?: string },
): Promise<void> {
  const { client, namespace } = context;
  if (flags.newRunId === undefined) throw new CliUsageError("runs fork needs --new-run-id <id>: the id of the new run");
  const fromStep = flags.fromStep === undefined ? 0 : parseWhole("--from-step", flags.fromStep, 0, 1_000_000);
  const forked = await client.forkRun(namespace, workflow, runId, {
    newRunId: flags.newRunId,
    fromStep,
    ...(flags.version === undefined ? {} : { version: flags.version }),
    ...(flags.queue === undefined ? {} : { queue: flags.queue === "-" ? null : flags.queue }),
    ...(flags.priority === undefined ? {} : { priority: parseInteger("--priority", flags.priority) }),
  });
  if (!forked)
    throw new CliRefusedError(`run ${workflow}/${flags.newRunId} exists already: choose another --new-run-id`);
  done(context, `run ${workflow}/${flags.newRunId} started from ${runId}, reusing its steps before step ${fromStep}`, {
    workflow,
    runId: flags.newRunId,
    from: runId,
    fromStep,
  });
}

export async function purgeRuns(
  context: Context,
  flags: { endedBefore?: string; status?: string[]; batchSize?: string },
): Promise<void> {
  if (flags.endedBefore === undefined) {
    throw new CliUsageError(
      "runs purge needs --ended-before, e.g. --ended-before 30d (runs that ended 30 days ago or earlier)",
    );
  }
  const endedBefore = parseTime("--ended-before", flags.endedBefore, context.now());
  const statuses = (flags.status ?? []).map((status) => parseStatus("--status", status));
  if (statuses.includes("running")) {
    throw new CliUsageError("runs purge deletes ended runs only: use --status completed, failed, cancelled or stuck");
  }
  const purged = await context.client.purgeRuns(context.namespace, {
    endedBefore,
    ...(statuses.length === 0 ? {} : { status: statuses as EndStatus[] }),
    ...(flags.batchSize === undefined ? {} : { batchSize: parseWhole("--batch-size", flags.batchSize, 1, 10_000) }),
    onProgress: (n) => {
      if (!context.json) context.io.err(`purged ${counted(n, "run")} so far`);
    },
  });
  const which = statuses.length === 0 ? "completed, failed, cancelled or terminated" : statuses.join(" or ");
  done(context, `purged ${counted(purged, "run")} (${which}, ended before ${time(endedBefore)})`, {
    purged,
    endedBefore: endedBefore.toISOString(),
  });
}

export async function sendSignal(
  context: Context,
  args: { workflow: string; runId: string; signal: string; message: string },
  flags: { id?: string },
): Promise<void> {
  const { client, namespace } = context;
  const { workflow, runId, signal } = args;
  if (flags.id === undefined) {
    throw new CliUsageError("signal needs --id <externalId>: a signal is kept once per (run, signal, external id)");
  }
  const message = parseJson("message", args.message);
  if ((await client.getRun(namespace, workflow, runId)) === undefined) {
    context.io.err(`note: run ${workflow}/${runId} does not exist yet; the signal waits for it`);
  }
  const sent = await client.signalRun(namespace, workflow, runId, signal, message, flags.id);
  if (!sent) {
    throw new CliRefusedError(
      `signal ${signal} with external id ${flags.id} was sent to ${workflow}/${runId} before; nothing was sent`,
    );
  }
  done(context, `signal ${signal} sent to ${workflow}/${runId}`, { workflow, runId, signal, externalId: flags.id });
}
