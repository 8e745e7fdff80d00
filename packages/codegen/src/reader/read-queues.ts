import type { Node } from "ts-morph";
import { InvalidOptionError } from "../errors.js";
import type { LiteralValue, QueueModel } from "../model/model.js";
import type { ProblemCollector } from "./collector.js";
import { optional } from "./entries.js";
import { checkDuration, readLiteral } from "./literal.js";
import type { RawQueue } from "./raw.js";
import { readObject, type StaticProperty, unwrap } from "./static.js";

const LIMITS = ["concurrency", "keyConcurrency", "rateLimit"] as const;

/**
 * The largest limits, as the runtime's QUEUE_LIMITS (what its queues table holds: INT columns,
 * and the start times of a rate window in a MEDIUMTEXT); test/queue-limits.test.ts holds them equal.
 */
export const MAX_LIMITS = Object.freeze({
  concurrency: 2_147_483_647,
  keyConcurrency: 2_147_483_647,
  rateLimit: 1_000_000,
});

/** The queues with their limits, checked as the runtime's createWorker checks them. */
export function readQueues(raws: readonly RawQueue[], problems: ProblemCollector): QueueModel[] {
  return raws.map((raw) => ({
    name: raw.name,
    ...optional("description", raw.description),
    limits: raw.options === undefined ? {} : readLimits(raw, raw.options, problems),
    location: problems.at(raw.keyNode),
  }));
}

function readLimits(raw: RawQueue, options: Node, problems: ProblemCollector): Record<string, LiteralValue> {
  const what = `queue ${JSON.stringify(raw.name)}`;
  const limits: Record<string, LiteralValue> = {};
  for (const property of readObject(unwrap(options), `the options of ${what}`, problems) ?? []) {
    if (property.key === "description") continue;
    const value = readLimit(property, `${what}: ${property.key}`, problems);
    if (value !== undefined) limits[property.key] = value;
  }
  return limits;
}

function readLimit(property: StaticProperty, what: string, problems: ProblemCollector): LiteralValue | undefined {
  switch (property.key) {
    case "concurrency":
    case "keyConcurrency": {
      const value = readLiteral(property.value, what, problems);
      const max = MAX_LIMITS[property.key];
      return value !== undefined && positiveInteger(value, property.value, what, problems, max) ? value : undefined;
    }
    case "rateLimit":
      return readRateLimit(property, what, problems);
    default: {
      const fix = `use ${LIMITS.join(", ")} (and description)`;
      problems.add(new InvalidOptionError(problems.at(property.keyNode), `${what} is no queue option`, fix));
      return undefined;
    }
  }
}

function readRateLimit(property: StaticProperty, what: string, problems: ProblemCollector): LiteralValue | undefined {
  const value = readLiteral(property.value, what, problems);
  if (value === undefined) return undefined;
  const fix = 'write `rateLimit: { limit: 100, period: "1m" }`';
  if (typeof value !== "object" || Object.keys(value).sort().join() !== "limit,period") {
    problems.add(
      new InvalidOptionError(problems.at(property.value), `${what} must have exactly limit and period`, fix),
    );
    return undefined;
  }
  const { limit = 0, period = "" } = value;
  const limitOk = positiveInteger(limit, property.value, `${what}.limit`, problems, MAX_LIMITS.rateLimit);
  const periodOk = checkDuration(period, property.value, `${what}.period`, problems);
  if (periodOk && (period === 0 || /^0+(\.0+)?[a-z]+$/.test(String(period)))) {
    problems.add(new InvalidOptionError(problems.at(property.value), `${what}.period must be longer than 0`, fix));
    return undefined;
  }
  return limitOk && periodOk ? value : undefined;
}

function positiveInteger(
  value: LiteralValue,
  node: Node,
  what: string,
  problems: ProblemCollector,
  max: number,
): boolean {
  if (typeof value === "number" && Number.isInteger(value) && value > 0 && value <= max) return true;
  const fix = `write a whole number from 1 to ${max}`;
  problems.add(
    new InvalidOptionError(
      problems.at(node),
      `${what} must be a whole number from 1 to ${max}, got ${JSON.stringify(value)}`,
      fix,
    ),
  );
  return false;
}
