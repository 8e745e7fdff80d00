import { randomUUID } from "node:crypto";
import type { BulkAction, BulkOptions, BulkProgress, BulkResult } from "@replaykit/runtime";
import { BULK_ACTIONS } from "../../shared/bulk-actions.js";
import { CliRefusedError, CliUsageError } from "../../shared/errors.js";
import { counted } from "../../shared/values.js";
import type { Context } from "../context.js";
import { printable } from "../format/table.js";
import { parseJson, parseWhole } from "../parse.js";
import { describeSelection, type FilterFlags, type RunSelection, selectionOf } from "./run-filter.js";
import { DEFAULT_TERMINATE_REASON } from "./runs-control.js";

/* `replaykit bulk <action>`: client.bulk on the runs the filter flags select, with a confirmation and progress. */

export interface BulkFlags extends FilterFlags {
  readonly batchId?: string;
  readonly yes?: boolean;
  readonly signal?: string;
  readonly message?: string;
  readonly toStep?: string;
  readonly firstFailure?: boolean;
  /** resume, reset: the version to pin to (`--version` is the filter's). */
  readonly pinVersion?: string;
  readonly reason?: string;
}

/** The flags that only some actions take, and which. */
const ACTION_FLAGS: readonly (readonly [keyof BulkFlags, string, readonly BulkAction[]])[] = [
  ["signal", "--signal", ["signal"]],
  ["message", "--message", ["signal"]],
  ["toStep", "--to-step", ["reset"]],
  ["firstFailure", "--first-failure", ["reset"]],
  ["reason", "--reason", ["terminate"]],
  ["pinVersion", "--pin-version", ["resume", "reset"]],
];

/** Failures printed for people; --json has them all (up to the runtime's 1000). */
const FAILURES_SHOWN = 20;
/** Runs counted at most for the confirmation when the count cannot come from countRuns. */
const COUNT_PAGES = 10;

export async function bulkAction(context: Context, action: string, flags: BulkFlags): Promise<void> {
  const selection = selectionOf(context, flags);
  const options = bulkOptionsOf(actionOf(action), flags, selection);
  const batchId = flags.batchId ?? randomUUID();
  const matching = await countMatching(context, selection);
  if (matching.exact === 0 && flags.batchId === undefined) {
    context.io.err(`no runs in namespace ${context.namespace} match (${describeSelection(selection)}); nothing to do`);
    if (context.json) context.io.out(JSON.stringify({ ok: true, action, batchId, matched: 0 }));
    return;
  }
  await confirm(
    context,
    `${options.action} ${matching.text} of namespace ${context.namespace} (${describeSelection(selection)})`,
    flags.yes === true,
  );
  if (!context.json) {
    context.io.err(`batch ${batchId}: if it is cut short, run the same command with --batch-id ${batchId} to go on`);
  }
  const running = context.client.bulk(context.namespace, { ...options, batchId, onProgress: reporter(context) });
  const result = await untilStopped(context, running, batchId);
  context.io.status?.("");
  report(context, options.action, result);
}

function actionOf(action: string): BulkAction {
  const found = BULK_ACTIONS.find((candidate) => candidate === action);
  if (found !== undefined) return found;
  throw new CliUsageError(`invalid action ${JSON.stringify(action)}: use one of ${BULK_ACTIONS.join(", ")}`);
}

function bulkOptionsOf(action: BulkAction, flags: BulkFlags, filter: RunSelection): BulkOptions {
  for (const [key, flag, actions] of ACTION_FLAGS) {
    if (flags[key] !== undefined && !actions.includes(action)) {
      throw new CliUsageError(`${flag} is for bulk ${actions.join(" or ")}, not bulk ${action}`);
    }
  }
  if (action === "signal" && (flags.signal === undefined || flags.message === undefined)) {
    throw new CliUsageError(
      `bulk signal needs --signal <name> and --message <json>, e.g. --signal recheck --message '{}'`,
    );
  }
  if (flags.toStep !== undefined && flags.firstFailure === true) {
    throw new CliUsageError("bulk reset takes --to-step <n> or --first-failure (the default), not both");
  }
  return {
    filter,
    action,
    ...(action === "signal" ? { signal: flags.signal, message: parseJson("--message", flags.message ?? "") } : {}),
    ...(flags.toStep === undefined ? {} : { toStep: parseWhole("--to-step", flags.toStep, 0, 1_000_000) }),
    ...(flags.pinVersion === undefined ? {} : { version: flags.pinVersion }),
    ...(action === "terminate" ? { reason: flags.reason ?? DEFAULT_TERMINATE_REASON } : {}),
  };
}

/**
 * How many runs the selection matches, for the confirmation: countRuns when it can tell
 * (workflow, queue, tags and status only), else counted by listing, up to 10,000.
 */
async function countMatching(context: Context, selection: RunSelection): Promise<{ exact?: number; text: string }> {
  const { client, namespace } = context;
  const { status, workflow, queue, tags, ...rest } = selection;
  if (Object.keys(rest).length === 0) {
    const counts = await client.countRuns({
      namespace,
      ...(workflow === undefined ? {} : { workflow }),
      ...(queue === undefined ? {} : { queue }),
      ...(tags === undefined ? {} : { tags }),
    });
    const exact =
      status === undefined
        ? Object.values(counts.statuses).reduce((sum, n) => sum + (n ?? 0), 0)
        : (counts.statuses[status] ?? 0);
    return { exact, text: counted(exact, "run") };
  }
  let exact = 0;
  let cursor: string | undefined;
  for (let page = 0; page < COUNT_PAGES; page++) {
    const listed = await client.listRuns({
      namespace,
      ...selection,
      limit: 1000,
      ...(cursor === undefined ? {} : { cursor }),
    });
    exact += listed.runs.length;
    cursor = listed.nextCursor;
    if (cursor === undefined) return { exact, text: counted(exact, "run") };
  }
  return { text: `over ${exact} runs` };
}

/** Asks before acting, unless --yes; without a terminal to ask on, --yes is needed. */
async function confirm(context: Context, what: string, yes: boolean): Promise<void> {
  if (yes) return;
  if (context.io.confirm === undefined) {
    throw new CliUsageError(`bulk asks before it acts, and no one can answer here: add --yes to ${what}`);
  }
  if (!(await context.io.confirm(`${what}?`))) throw new CliRefusedError(`nothing was done: not confirmed (${what})`);
}

/** Progress: a bar redrawn in place on a terminal, a line per round otherwise, nothing with --json. */
function reporter(context: Context): (progress: BulkProgress) => void {
  return (progress) => {
    if (context.json) return;
    const line = progressLine(progress);
    if (context.io.status === undefined) context.io.err(line);
    else context.io.status(`${bar(progress)} ${line}`);
  };
}

export function progressLine({ matched, done, skipped, failed }: BulkProgress): string {
  return `${done + skipped + failed}/${matched} runs (${done} done, ${skipped} skipped, ${failed} failed)`;
}

/** `[██████░░░░░░░░░░░░░░]  30%`, 20 cells wide. */
export function bar({ matched, done, skipped, failed }: BulkProgress): string {
  const share = matched === 0 ? 1 : Math.min(1, (done + skipped + failed) / matched);
  const full = Math.round(share * 20);
  return `[${"█".repeat(full)}${"░".repeat(20 - full)}] ${String(Math.floor(share * 100)).padStart(3)}%`;
}

/**
 * The bulk action's result, or, when the process is asked to stop (Ctrl-C), a refusal that says
 * how to go on. The batch stays resumable: each run's action and its record are one transaction,
 * so the one in flight when the client closes is either done and recorded, or neither.
 */
async function untilStopped(context: Context, running: Promise<BulkResult>, batchId: string): Promise<BulkResult> {
  const stopped = context.io.stopped;
  if (stopped === undefined) return running;
  const outcome = await Promise.race([running, stopped.then(() => "stopped" as const)]);
  if (outcome !== "stopped") return outcome;
  running.catch(() => undefined);
  context.io.status?.("");
  throw new CliRefusedError(
    `stopped: batch ${batchId} is cut short; run the same command with --batch-id ${batchId} to go on`,
  );
}

function report(context: Context, action: BulkAction, result: BulkResult): void {
  if (context.json) {
    context.io.out(JSON.stringify({ ok: result.failed === 0, action, ...result }, null, 2));
  } else {
    context.io.out(`bulk ${action}: ${progressLine(result)}, batch ${result.batchId}`);
    for (const failure of result.failures.slice(0, FAILURES_SHOWN)) {
      context.io.out(printable(`  failed ${failure.workflow}/${failure.runId}: ${failure.reason}`));
    }
    const more = result.failed - Math.min(result.failures.length, FAILURES_SHOWN);
    if (more > 0) context.io.out(`  and ${counted(more, "more run")} (--json lists up to 1000)`);
  }
  if (result.failed > 0) {
    throw new CliRefusedError(
      `bulk ${action} failed on ${result.failed} of ${counted(result.matched, "run")}: see the reasons above`,
    );
  }
}
