import type { ProblemCollector } from "./collector.js";
import { configObject, expectCall, optional, readName, readOptionalDescription } from "./entries.js";
import { checkOptionKeys } from "./option-keys.js";
import type { RawName, RawQueue, RawSchedule, RawText } from "./raw.js";
import type { StaticProperty } from "./static.js";

/** `name: queue({ ... })`: its limits are checked when the model is built. */
export function readQueue(entry: StaticProperty, problems: ProblemCollector): RawQueue | undefined {
  const call = expectCall(entry, "queue", "queue", problems);
  if (call === undefined) return undefined;
  const options = call.getArguments()[0];
  const config =
    options === undefined ? new Map() : configObject(call, 0, `queue ${JSON.stringify(entry.key)}`, problems);
  if (config === undefined) return undefined;
  return {
    name: entry.key,
    keyNode: entry.keyNode,
    call,
    ...optional("description", readOptionalDescription(config, call, "queue", entry.key, problems)),
    ...optional("options", options),
  };
}

/** `id: schedule({ workflow, cron, timezone?, input, overlap?, catchup? })`. */
export function readSchedule(entry: StaticProperty, problems: ProblemCollector): RawSchedule | undefined {
  const call = expectCall(entry, "schedule", "schedule", problems);
  if (call === undefined) return undefined;
  const what = `schedule ${JSON.stringify(entry.key)}`;
  const config = configObject(call, 0, what, problems);
  if (config === undefined) return undefined;
  checkOptionKeys(config.values(), "schedule", what, problems);
  const text = (key: string) => asText(readName(config.get(key), `the ${key} of ${what}`, problems));
  return {
    name: entry.key,
    keyNode: entry.keyNode,
    call,
    ...optional("description", readOptionalDescription(config, call, "schedule", entry.key, problems)),
    ...optional("workflow", readName(config.get("workflow"), `the workflow of ${what}`, problems)),
    ...optional("cron", text("cron")),
    ...optional("timezone", text("timezone")),
    ...optional("overlap", text("overlap")),
    ...optional("catchup", text("catchup")),
    ...optional("input", config.get("input")?.value),
  };
}

function asText(name: RawName | undefined): RawText | undefined {
  return name === undefined ? undefined : { value: name.name, node: name.node };
}
