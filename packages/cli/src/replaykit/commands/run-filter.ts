import type { BulkOptions, RunStatus } from "@replaykit/runtime";
import type { Command } from "commander";
import type { Context } from "../context.js";
import { collect, parseStatus, parseTags, parseTime } from "../parse.js";

/** The flags that select runs, shared by `runs list` and `bulk`. */
export interface FilterFlags {
  readonly workflow?: string;
  readonly status?: string;
  readonly queue?: string;
  readonly version?: string;
  readonly createdAfter?: string;
  readonly createdBefore?: string;
  readonly prefix?: string;
  readonly tag?: readonly string[];
}

/** Which runs: listRuns's filter without the namespace and paging. */
export type RunSelection = BulkOptions["filter"];

export const TAG_HELP =
  "only runs with this tag, repeatable (all must match): key=value for a string, key:=json for a number or boolean";

/** Declares the filter flags on `command` (`runs list`, `bulk`). */
export function filterOptions(command: Command): Command {
  return command
    .option("--workflow <name>")
    .option("--status <status>", "running, completed, failed, cancelled, stuck or terminated")
    .option("--queue <name>")
    .option("--version <version>", "runs pinned to this code version")
    .option("--created-after <time>", "a time before now (30d, 2h, 15m) or an ISO 8601 date")
    .option("--created-before <time>", "a time before now (30d, 2h, 15m) or an ISO 8601 date")
    .option("--prefix <text>", "run ids that start with this text")
    .option("--tag <key=value>", TAG_HELP, collect);
}

export function selectionOf(context: Context, flags: FilterFlags): RunSelection {
  const now = context.now();
  const status: RunStatus | undefined = flags.status === undefined ? undefined : parseStatus("--status", flags.status);
  const tags = parseTags(flags.tag ?? []);
  return {
    ...(flags.workflow === undefined ? {} : { workflow: flags.workflow }),
    ...(status === undefined ? {} : { status }),
    ...(flags.queue === undefined ? {} : { queue: flags.queue }),
    ...(flags.version === undefined ? {} : { version: flags.version }),
    ...(flags.prefix === undefined ? {} : { runIdPrefix: flags.prefix }),
    ...(tags === undefined ? {} : { tags }),
    ...(flags.createdAfter === undefined
      ? {}
      : { createdAfter: parseTime("--created-after", flags.createdAfter, now) }),
    ...(flags.createdBefore === undefined
      ? {}
      : { createdBefore: parseTime("--created-before", flags.createdBefore, now) }),
  };
}

/** A selection in words, for a confirmation: `workflow order, status failed, tag customer=c-42`. */
export function describeSelection(selection: RunSelection): string {
  const { tags, createdAfter, createdBefore, runIdPrefix, ...plain } = selection;
  const parts = Object.entries(plain).map(([key, value]) => `${key} ${String(value)}`);
  if (runIdPrefix !== undefined) parts.push(`run ids starting with ${runIdPrefix}`);
  if (createdAfter !== undefined) parts.push(`created after ${createdAfter.toISOString()}`);
  if (createdBefore !== undefined) parts.push(`created before ${createdBefore.toISOString()}`);
  for (const [key, value] of Object.entries(tags ?? {})) parts.push(`tag ${formatTag(key, value)}`);
  return parts.length === 0 ? "every run" : parts.join(", ");
}

/** A tag as --tag takes it: key=value for a string, key:=json otherwise. */
export function formatTag(key: string, value: unknown): string {
  return typeof value === "string" ? `${key}=${value}` : `${key}:=${JSON.stringify(value)}`;
}
