import { createRequire } from "node:module";
import type * as Croner from "croner";
import { InvalidOptionError } from "../errors.js";
import type { ScheduleModel } from "../model/model.js";
import type { ProblemCollector } from "./collector.js";
import { optional } from "./entries.js";
import { readJsonLiteral } from "./json-literal.js";
import type { RawSchedule, RawText } from "./raw.js";

/** croner, loaded only for a manifest that declares schedules (most do not: replaygen starts faster). */
let croner: typeof Croner | undefined;
function cronClass(): typeof Croner.Cron {
  croner ??= createRequire(import.meta.url)("croner") as typeof Croner;
  return croner.Cron;
}

const POLICIES = { overlap: ["skip", "allow"], catchup: ["none", "latest", "all"] } as const;

/**
 * The longest schedule id in bytes, as the runtime's MAX_SCHEDULE_ID_BYTES: a tick's run id is
 * `<id>@<tick time>`, 25 bytes more, and a run id may be 255 (test/queue-limits.test.ts holds them equal).
 */
export const MAX_SCHEDULE_ID_BYTES = 230;

/**
 * The schedules, checked as the runtime's createSchedule checks them (cron by croner, the time
 * zone by Intl), so a mistake is reported at its line instead of when a worker starts.
 */
export function readSchedules(raws: readonly RawSchedule[], problems: ProblemCollector): ScheduleModel[] {
  const models: ScheduleModel[] = [];
  for (const raw of raws) {
    const model = readSchedule(raw, problems);
    if (model !== undefined) models.push(model);
  }
  return models;
}

function readSchedule(raw: RawSchedule, problems: ProblemCollector): ScheduleModel | undefined {
  const what = `schedule ${JSON.stringify(raw.name)}`;
  const missing = (key: string, example: string) =>
    problems.add(new InvalidOptionError(problems.at(raw.call), `${what} has no ${key}`, `add \`${key}: ${example}\``));
  if (raw.workflow === undefined) missing("workflow", '"report"');
  if (raw.cron === undefined) missing("cron", '"0 3 * * *"');
  if (raw.input === undefined) missing("input", "{ ... }");
  const input = raw.input === undefined ? undefined : readJsonLiteral(raw.input, `the input of ${what}`, problems);
  const timezoneOk = raw.timezone === undefined || checkTimezone(raw.timezone, what, problems);
  const cronOk = raw.cron !== undefined && timezoneOk && checkCron(raw.cron, raw.timezone?.value, what, problems);
  const policiesOk =
    checkPolicy(raw.overlap, "overlap", what, problems) && checkPolicy(raw.catchup, "catchup", what, problems);
  const idOk = checkId(raw, problems);
  if (raw.workflow === undefined || raw.cron === undefined || input === undefined || !cronOk || !policiesOk || !idOk) {
    return undefined;
  }
  return {
    name: raw.name,
    ...optional("description", raw.description),
    workflow: raw.workflow.name,
    cron: raw.cron.value,
    ...optional("timezone", raw.timezone?.value),
    ...optional("overlap", raw.overlap?.value),
    ...optional("catchup", raw.catchup?.value),
    input,
    location: problems.at(raw.keyNode),
  };
}

function checkId(raw: RawSchedule, problems: ProblemCollector): boolean {
  const bytes = Buffer.byteLength(raw.name, "utf8");
  if (bytes <= MAX_SCHEDULE_ID_BYTES) return true;
  const problem = `the id of schedule ${JSON.stringify(raw.name)} is ${bytes} bytes long: the run id of each tick is the id, "@" and the tick time (25 bytes more), and a run id may be 255 bytes`;
  problems.add(
    new InvalidOptionError(problems.at(raw.keyNode), problem, `use an id of at most ${MAX_SCHEDULE_ID_BYTES} bytes`),
  );
  return false;
}

function checkCron(cron: RawText, timezone: string | undefined, what: string, problems: ProblemCollector): boolean {
  const fields = cron.value.trim().split(/\s+/).length;
  const fix = 'use 5 fields ("min hour day month weekday", e.g. "0 3 * * *"), or 6 with seconds first';
  if (fields !== 5 && fields !== 6) {
    const problem = `the cron of ${what}, ${JSON.stringify(cron.value)}, has ${fields} field${fields === 1 ? "" : "s"}`;
    problems.add(new InvalidOptionError(problems.at(cron.node), problem, fix));
    return false;
  }
  try {
    const Cron = cronClass();
    const parsed = new Cron(cron.value, { timezone: timezone ?? "UTC", paused: true });
    if (parsed.nextRun(new Date(0)) !== null) return true;
    problems.add(new InvalidOptionError(problems.at(cron.node), `the cron of ${what} never fires`, fix));
  } catch (error) {
    const problem = `the cron of ${what}, ${JSON.stringify(cron.value)}, is not valid (${(error as Error).message})`;
    problems.add(new InvalidOptionError(problems.at(cron.node), problem, fix));
  }
  return false;
}

function checkTimezone(timezone: RawText, what: string, problems: ProblemCollector): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone.value });
    return true;
  } catch {
    const problem = `the time zone of ${what}, ${JSON.stringify(timezone.value)}, is not an IANA time zone name`;
    problems.add(
      new InvalidOptionError(problems.at(timezone.node), problem, 'use a name such as "Europe/Berlin" or "UTC"'),
    );
    return false;
  }
}

function checkPolicy(
  value: RawText | undefined,
  key: keyof typeof POLICIES,
  what: string,
  problems: ProblemCollector,
): boolean {
  const allowed: readonly string[] = POLICIES[key];
  if (value === undefined || allowed.includes(value.value)) return true;
  const fix = `use ${allowed.map((item) => JSON.stringify(item)).join(" or ")}`;
  problems.add(
    new InvalidOptionError(problems.at(value.node), `the ${key} of ${what} is ${JSON.stringify(value.value)}`, fix),
  );
  return false;
}
