import { type Duration, type RunStatus, type Tags, type TagValue, toMillis } from "@replaykit/runtime";
import { CliUsageError } from "../shared/errors.js";

const STATUSES: readonly RunStatus[] = ["running", "completed", "failed", "cancelled", "stuck", "terminated"];

/** A point in time given as a duration before now ("30d", "2h", "1d12h") or an ISO 8601 date. */
export function parseTime(flag: string, value: string, now: number): Date {
  const ago = /^\d[\d.a-z]*$/.test(value) ? millisOrUndefined(value) : undefined;
  if (ago !== undefined) return new Date(now - ago);
  const parsed = Date.parse(value);
  if (Number.isFinite(parsed) && /^\d{4}-\d{2}-\d{2}/.test(value)) return new Date(parsed);
  throw new CliUsageError(
    `invalid ${flag} ${JSON.stringify(value)}: give a time before now such as 30d, 12h, 15m or 1d12h, or an ISO 8601 date such as 2030-01-31T12:00:00Z`,
  );
}

/** A duration string's milliseconds (see the runtime's Duration), or undefined when it is none. */
function millisOrUndefined(value: string): number | undefined {
  try {
    return toMillis(value as Duration);
  } catch {
    return undefined;
  }
}

export function parseStatus(flag: string, value: string): RunStatus {
  const status = STATUSES.find((candidate) => candidate === value);
  if (status !== undefined) return status;
  throw new CliUsageError(`invalid ${flag} ${JSON.stringify(value)}: use one of ${STATUSES.join(", ")}`);
}

export function parseWhole(flag: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (/^\d+$/.test(value) && n >= min && n <= max) return n;
  throw new CliUsageError(`invalid ${flag} ${JSON.stringify(value)}: use a whole number from ${min} to ${max}`);
}

/** A whole number that may be negative, within the INT column range (a priority). */
export function parseInteger(flag: string, value: string): number {
  const n = Number(value);
  if (/^-?\d+$/.test(value) && Math.abs(n) <= 2_147_483_647) return n;
  throw new CliUsageError(
    `invalid ${flag} ${JSON.stringify(value)}: use a whole number, e.g. -1, 0 or 5 (lower runs first)`,
  );
}

export function parseJson(what: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CliUsageError(
      `invalid ${what}: ${reason}. Give JSON, quoted for your shell, e.g. '{"picker":"ann"}' or '"text"'`,
    );
  }
}

/** Collects a repeatable option's values (`--tag a=1 --tag b=2`) for commander. */
export function collect(value: string, previous: readonly string[] = []): string[] {
  return [...previous, value];
}

/**
 * `--tag` values as a run's tags: `key=value` is a string ("customer=c-42"), `key:=json` a
 * number, boolean or string given as JSON ("attempt:=3", "vip:=true"), because a run tagged
 * with the number 3 does not match the string "3".
 */
export function parseTags(values: readonly string[]): Tags | undefined {
  if (values.length === 0) return undefined;
  const tags: Record<string, TagValue> = {};
  for (const value of values) {
    const typed = /^([^=:]+):=(.*)$/s.exec(value);
    const plain = /^([^=]+)=(.*)$/s.exec(value);
    if (typed?.[1] !== undefined) tags[typed[1]] = tagValue(value, typed[2] ?? "");
    else if (plain?.[1] !== undefined) tags[plain[1]] = plain[2] ?? "";
    else {
      throw new CliUsageError(
        `invalid --tag ${JSON.stringify(value)}: use key=value for a string (--tag customer=c-42), or key:=json for a number or boolean (--tag attempt:=3)`,
      );
    }
  }
  return tags;
}

function tagValue(flag: string, text: string): TagValue {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (
    typeof value === "string" ||
    typeof value === "boolean" ||
    (typeof value === "number" && Number.isFinite(value))
  ) {
    return value;
  }
  throw new CliUsageError(
    `invalid --tag ${JSON.stringify(flag)}: after := give a JSON number, boolean or string (--tag attempt:=3, --tag vip:=true); key=value gives a string`,
  );
}
