import { UnknownOptionError } from "../errors.js";
import type { ProblemCollector } from "./collector.js";
import type { StaticProperty } from "./static.js";
import { nearest } from "./suggest.js";

/**
 * The keys each manifest call takes, as the manifest API declares them (a type test keeps the
 * two in step). A key outside its list is a typo the compiler may not catch: `defineNamespace`
 * infers its argument, so an extra key there is no type error, and without this check a
 * misspelled `ouputs:` would silently generate a workflow without outputs.
 */
export const OPTION_KEYS = {
  defineNamespace: ["name", "workflows", "activities", "queues", "schedules", "register"],
  workflow: [
    "description",
    "signals",
    "outputs",
    "input",
    "output",
    "register",
    "children",
    "queue",
    "updates",
    "queries",
    "secret",
    "tags",
    "trigger",
    "streams",
  ],
  activity: [
    "description",
    "retry",
    "timeout",
    "heartbeatTimeout",
    "scheduleToCloseTimeout",
    "register",
    "secret",
    "queue",
    "streams",
  ],
  tag: ["description"],
  stream: ["description"],
  signal: ["description", "schema"],
  output: ["description", "schema"],
  update: ["description", "input", "output"],
  query: ["description", "input", "output"],
  schedule: ["description", "workflow", "cron", "timezone", "input", "overlap", "catchup"],
  onEvent: ["runId", "debounce", "singleton"],
} as const;

export type OptionOwner = keyof typeof OPTION_KEYS;

/** Reports each key of `properties` that `owner` does not take, with the nearest known key as a suggestion. */
export function checkOptionKeys(
  properties: Iterable<StaticProperty>,
  owner: OptionOwner,
  what: string,
  problems: ProblemCollector,
): void {
  const known: readonly string[] = OPTION_KEYS[owner];
  for (const property of properties) {
    if (known.includes(property.key)) continue;
    const suggestion = nearest(property.key, known);
    problems.add(new UnknownOptionError(problems.at(property.keyNode), what, property.key, known, suggestion));
  }
}
