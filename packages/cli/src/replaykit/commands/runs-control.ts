import { timelineOf } from "@replaykit/runtime";
import { CliRefusedError, CliUsageError } from "../../shared/errors.js";
import { outcomeOf, stepsOf } from "../../shared/steps.js";
import type { Context } from "../context.js";
import { parseWhole } from "../parse.js";

/* `runs pause|unpause|terminate|reset`: the client's run controls, one run at a time. */

/** The reason terminate stores when --reason is not given. */
export const DEFAULT_TERMINATE_REASON = "terminated with replaykit runs terminate";

function done(context: Context, line: string, result: Record<string, unknown>): void {
  context.io.out(context.json ? JSON.stringify({ ok: true, ...result }) : line);
}

/** Why a control changed nothing: the run's status as it is now. */
async function statusOf(context: Context, workflow: string, runId: string): Promise<string> {
  const run = await context.client.getRun(context.namespace, workflow, runId);
  if (run === undefined) return "gone";
  return run.paused && run.status === "running" ? "paused" : run.status;
}

export async function pauseRun(context: Context, workflow: string, runId: string): Promise<void> {
  if (!(await context.client.pauseRun(context.namespace, workflow, runId))) {
    const status = await statusOf(context, workflow, runId);
    const why = status === "paused" ? "it is paused already" : `it is ${status}`;
    throw new CliRefusedError(`run ${workflow}/${runId} was not paused: ${why}`);
  }
  const line = `run ${workflow}/${runId} paused: it takes no new step until \`replaykit runs unpause ${workflow} ${runId}\``;
  done(context, line, { workflow, runId, paused: true });
}

export async function unpauseRun(context: Context, workflow: string, runId: string): Promise<void> {
  if (!(await context.client.unpauseRun(context.namespace, workflow, runId))) {
    const status = await statusOf(context, workflow, runId);
    throw new CliRefusedError(`run ${workflow}/${runId} was not unpaused: it is not paused (it is ${status})`);
  }
  done(context, `run ${workflow}/${runId} unpaused: it goes on now`, { workflow, runId, paused: false });
}

export async function terminateRun(
  context: Context,
  workflow: string,
  runId: string,
  flags: { reason?: string },
): Promise<void> {
  const reason = flags.reason ?? DEFAULT_TERMINATE_REASON;
  if (!(await context.client.terminateRun(context.namespace, workflow, runId, reason))) {
    const status = await statusOf(context, workflow, runId);
    throw new CliRefusedError(`run ${workflow}/${runId} was not terminated: it had ended (${status})`);
  }
  done(context, `run ${workflow}/${runId} terminated: ${reason}`, { workflow, runId, reason });
}

export interface ResetFlags {
  readonly toStep?: string;
  readonly firstFailure?: boolean;
  readonly version?: string;
}

export async function resetRun(context: Context, workflow: string, runId: string, flags: ResetFlags): Promise<void> {
  if ((flags.toStep === undefined) === (flags.firstFailure !== true)) {
    throw new CliUsageError(
      "runs reset needs one of --to-step <n> (the first step to execute again; see runs show) or --first-failure",
    );
  }
  const toStep =
    flags.toStep === undefined
      ? await firstFailingStep(context, workflow, runId)
      : parseWhole("--to-step", flags.toStep, 0, 1_000_000);
  const iteration = await context.client.resetRun(context.namespace, workflow, runId, {
    toStep,
    ...(flags.version === undefined ? {} : { version: flags.version }),
  });
  const reused = toStep === 0 ? "no steps reused" : `reusing steps 0..${toStep - 1}`;
  const on = flags.version === undefined ? "" : `, on workers of version ${flags.version}`;
  const line = `run ${workflow}/${runId} reset to step ${toStep}: iteration ${iteration} starts, ${reused}${on}`;
  done(context, line, { workflow, runId, toStep, iteration });
}

/**
 * The step `--first-failure` goes back to, as a bulk reset chooses it: the first activity that
 * failed for good or child that did not complete, or, when none did (a stuck run), the number of
 * steps, so the new iteration replays every recorded step with the code deployed now.
 */
async function firstFailingStep(context: Context, workflow: string, runId: string): Promise<number> {
  const history = await context.client.getHistory(context.namespace, workflow, runId);
  const steps = stepsOf(history, context.view.sealedOf).filter(
    (step) => step.kind === "activity" || step.kind === "child",
  );
  const failing = steps.find((step) => ["failed", "ended"].includes(outcomeOf(step, context.view.sealedOf)));
  if (failing !== undefined && outcomeOf(failing, context.view.sealedOf) === "ended") {
    throw new CliRefusedError(
      `cannot tell whether step ${failing.index} of run ${workflow}/${runId} failed: its result is encrypted. Pass --codec-config with its key, or --to-step <n>`,
    );
  }
  return failing?.index ?? timelineOf(history).length;
}
