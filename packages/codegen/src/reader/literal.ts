import { Node } from "../compiler.js";
import { InvalidOptionError, NotStaticError } from "../errors.js";
import type { LiteralValue } from "../model/model.js";
import type { ProblemCollector } from "./collector.js";
import { booleanLiteral, numberLiteral, readObject, stringLiteral, unwrap } from "./static.js";

/** The activity options that are durations, as the runtime's ActivityOptions names them. */
export const DURATION_OPTIONS = ["timeout", "heartbeatTimeout", "scheduleToCloseTimeout"] as const;

/** A duration string as the runtime reads it (duration.ts): one or more parts, largest unit first. */
const DURATION =
  /^(?=.)(?:\d+(?:\.\d+)?d)?(?:\d+(?:\.\d+)?h)?(?:\d+(?:\.\d+)?m)?(?:\d+(?:\.\d+)?s)?(?:\d+(?:\.\d+)?ms)?$/;
const RETRY_KEYS: Record<string, "duration" | "number"> = {
  initialInterval: "duration",
  backoffCoefficient: "number",
  maxInterval: "duration",
  maxAttempts: "number",
};

/** A literal string, number, boolean or object of those; reports anything else. */
export function readLiteral(node: Node, what: string, problems: ProblemCollector): LiteralValue | undefined {
  const value = unwrap(node);
  const scalar = stringLiteral(value) ?? numberLiteral(value) ?? booleanLiteral(value);
  if (scalar !== undefined) return scalar;
  if (Node.isObjectLiteralExpression(value)) {
    const result: Record<string, LiteralValue> = {};
    for (const property of readObject(value, what, problems) ?? []) {
      const item = readLiteral(property.value, `${what}.${property.key}`, problems);
      if (item !== undefined) result[property.key] = item;
    }
    return result;
  }
  problems.add(
    new NotStaticError(problems.at(value), what, "write a literal value (string, number or object of those)"),
  );
  return undefined;
}

/** Checks a duration literal: a non-negative number of ms, or "250ms", "2s", "5m", "1h", "1d", "2h30m"... */
export function checkDuration(value: LiteralValue, node: Node, what: string, problems: ProblemCollector): boolean {
  const ok =
    (typeof value === "number" && Number.isFinite(value) && value >= 0) ||
    (typeof value === "string" && DURATION.test(value));
  if (!ok) {
    const fix =
      "use milliseconds as a non-negative number, or a string of one or more parts, largest unit first " +
      '(d, h, m, s, ms), such as "500ms", "2s", "5m", "1h", "1d", "2h30m" or "1d12h"';
    problems.add(new InvalidOptionError(problems.at(node), `${what} ${JSON.stringify(value)} is not a duration`, fix));
  }
  return ok;
}

/** Checks a retry policy literal: known keys, durations and positive numbers. */
export function checkRetry(value: LiteralValue, node: Node, what: string, problems: ProblemCollector): boolean {
  if (typeof value !== "object") {
    problems.add(
      new InvalidOptionError(problems.at(node), `${what} is not an object`, "write `retry: { maxAttempts: 5 }`"),
    );
    return false;
  }
  let ok = true;
  for (const [key, item] of Object.entries(value)) {
    const kind = RETRY_KEYS[key];
    if (kind === undefined) {
      const fix = `use ${Object.keys(RETRY_KEYS).join(", ")}`;
      problems.add(new InvalidOptionError(problems.at(node), `${what} has unknown option ${key}`, fix));
      ok = false;
    } else if (kind === "duration") {
      ok = checkDuration(item, node, `${what}.${key}`, problems) && ok;
    } else if (typeof item !== "number" || !(item > 0)) {
      problems.add(
        new InvalidOptionError(problems.at(node), `${what}.${key} must be a positive number`, "write a number literal"),
      );
      ok = false;
    }
  }
  return ok;
}
