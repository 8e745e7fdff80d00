import type { Node } from "ts-morph";
import { Node as NodeKind } from "../compiler.js";
import { InvalidOptionError, NotStaticError } from "../errors.js";
import type { ImportTable } from "../model/imports.js";
import type { LiteralValue, TriggerModel, TypeRef, ValueRef, WorkflowModel } from "../model/model.js";
import { camelCase, storedNameProblem } from "../model/names.js";
import type { ProblemCollector } from "./collector.js";
import { indexProperties, optional } from "./entries.js";
import { checkDuration, readLiteral } from "./literal.js";
import { relativeModuleSpecifier } from "./module-path.js";
import { checkOptionKeys } from "./option-keys.js";
import type { RawText, RawTrigger } from "./raw.js";
import { calleeName, readObject, type StaticProperty, stringLiteral, unwrap } from "./static.js";

const SINGLETON_POLICIES = ["skip", "replace"] as const;
const EXAMPLE = 'trigger: onEvent<Event>("user.signup", { runId: (event) => "welcome-" + event.userId })';

/** `trigger: onEvent<E>("name", { runId, debounce?, singleton? })`: the syntax, the event name checked. */
export function readTrigger(
  property: StaticProperty | undefined,
  workflow: string,
  problems: ProblemCollector,
): RawTrigger | undefined {
  if (property === undefined) return undefined;
  const what = `the trigger of workflow ${JSON.stringify(workflow)}`;
  const call = unwrap(property.value);
  if (!NodeKind.isCallExpression(call) || calleeName(call) !== "onEvent") {
    problems.add(new NotStaticError(problems.at(property.value), what, `write \`${EXAMPLE}\` inline in the manifest`));
    return undefined;
  }
  const [nameNode, optionsNode] = call.getArguments();
  const event = nameNode === undefined ? undefined : stringLiteral(unwrap(nameNode));
  if (nameNode === undefined || event === undefined) {
    const fix = 'write the event name as a string literal, `onEvent("user.signup", { ... })`';
    problems.add(new NotStaticError(problems.at(nameNode ?? call), `the event name of ${what}`, fix));
    return undefined;
  }
  const unusable = storedNameProblem(event);
  if (unusable !== undefined) {
    const problem = `the event name of ${what}, ${JSON.stringify(event)}, is unusable: ${unusable}`;
    const fix = 'use a non-empty name of at most 255 bytes without "/", such as "user.signup"';
    problems.add(new InvalidOptionError(problems.at(nameNode), problem, fix));
  }
  const options =
    optionsNode === undefined ? undefined : readObject(unwrap(optionsNode), `the options of ${what}`, problems);
  if (options === undefined) {
    if (optionsNode === undefined)
      problems.add(new InvalidOptionError(problems.at(call), `${what} has no runId`, `write \`${EXAMPLE}\``));
    return undefined;
  }
  checkOptionKeys(options, "onEvent", what, problems);
  const config = indexProperties(options);
  if (!config.has("runId")) {
    const fix = "add `runId: (event) => ...`, which makes the same run id from the same event";
    problems.add(new InvalidOptionError(problems.at(optionsNode ?? call), `${what} has no runId`, fix));
  }
  const typeNode = call.getTypeArguments()[0];
  return {
    call,
    event: { value: event, node: nameNode },
    ...optional("typeNode", typeNode),
    ...optional("debounce", config.get("debounce")?.value),
    ...optional("singleton", readSingleton(config.get("singleton"), what, problems)),
  };
}

function readSingleton(property: StaticProperty | undefined, what: string, problems: ProblemCollector) {
  if (property === undefined) return undefined;
  const value = stringLiteral(unwrap(property.value));
  const allowed: readonly string[] = SINGLETON_POLICIES;
  if (value !== undefined && allowed.includes(value)) {
    const text: RawText = { value, node: property.value };
    return text;
  }
  const problem = `the singleton of ${what} is ${value === undefined ? property.value.getText() : JSON.stringify(value)}`;
  problems.add(new InvalidOptionError(problems.at(property.value), problem, 'use "skip" or "replace"'));
  return undefined;
}

/** What the type pass found for a trigger: the event's data type, and the schema that parses it. */
export interface TriggerTypes {
  readonly type: TypeRef;
  readonly typeToRead: TypeRef;
  readonly schema: ValueRef | undefined;
}

/** The model of a workflow's trigger: the debounce checked as the runtime's createWorker checks it. */
export function triggerModel(
  raw: RawTrigger,
  workflow: string,
  types: TriggerTypes,
  problems: ProblemCollector,
): TriggerModel | undefined {
  const what = `the trigger of workflow ${JSON.stringify(workflow)}`;
  const debounce = raw.debounce === undefined ? undefined : readDebounce(raw.debounce, what, problems);
  if (raw.debounce !== undefined && raw.singleton !== undefined) {
    const fix = "give debounce or singleton, not both: a debounced burst starts one run already";
    problems.add(
      new InvalidOptionError(problems.at(raw.singleton.node), `${what} has both debounce and singleton`, fix),
    );
    return undefined;
  }
  if (raw.debounce !== undefined && debounce === undefined) return undefined;
  return {
    event: raw.event.value,
    type: types.type,
    typeToRead: types.typeToRead,
    ...optional("schema", types.schema),
    ...optional("debounce", debounce),
    ...optional("singleton", raw.singleton?.value),
    location: problems.at(raw.event.node),
  };
}

function readDebounce(node: Node, what: string, problems: ProblemCollector): Record<string, LiteralValue> | undefined {
  const value = readLiteral(node, `the debounce of ${what}`, problems);
  if (value === undefined) return undefined;
  const fix = 'write `debounce: { period: "10m", maxDelay: "1h" }` (maxDelay is optional)';
  if (typeof value !== "object") {
    problems.add(new InvalidOptionError(problems.at(node), `the debounce of ${what} is not an object`, fix));
    return undefined;
  }
  const unknown = Object.keys(value).filter((key) => key !== "period" && key !== "maxDelay");
  if (unknown.length > 0 || value["period"] === undefined) {
    const problem = `the debounce of ${what} ${unknown.length > 0 ? `has unknown option ${unknown.join(", ")}` : "has no period"}`;
    problems.add(new InvalidOptionError(problems.at(node), problem, fix));
    return undefined;
  }
  const { period, maxDelay } = value;
  if (!checkDuration(period, node, `the debounce period of ${what}`, problems)) return undefined;
  if (maxDelay !== undefined && !checkDuration(maxDelay, node, `the debounce maxDelay of ${what}`, problems)) {
    return undefined;
  }
  const periodMs = durationMs(period);
  if (periodMs <= 0) {
    problems.add(
      new InvalidOptionError(problems.at(node), `the debounce period of ${what} must be longer than 0`, fix),
    );
    return undefined;
  }
  if (maxDelay !== undefined && durationMs(maxDelay) < periodMs) {
    const problem = `the debounce maxDelay of ${what}, ${JSON.stringify(maxDelay)}, is shorter than its period ${JSON.stringify(period)}`;
    problems.add(new InvalidOptionError(problems.at(node), problem, "give a maxDelay of at least the period"));
    return undefined;
  }
  return value;
}

const UNIT_MS: Readonly<Record<string, number>> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/** A checked duration literal in milliseconds, as the runtime's toMillis reads it. */
function durationMs(value: LiteralValue): number {
  if (typeof value === "number") return value;
  let total = 0;
  for (const [, amount = "0", unit = "ms"] of String(value).matchAll(/(\d+(?:\.\d+)?)(ms|d|h|m|s)/g)) {
    total += Number(amount) * (UNIT_MS[unit] ?? 1);
  }
  return total;
}

/**
 * Two workflows triggered by one event name must agree on its data: `publish<Ns>Event` takes one
 * type per name, and parses with one schema.
 */
export function checkSharedEvents(workflows: readonly WorkflowModel[], problems: ProblemCollector): void {
  const first = new Map<string, WorkflowModel>();
  for (const workflow of workflows) {
    const trigger = workflow.trigger;
    if (trigger === undefined) continue;
    const earlier = first.get(trigger.event);
    if (earlier?.trigger === undefined) {
      first.set(trigger.event, workflow);
      continue;
    }
    const sameType = earlier.trigger.type.text === trigger.type.text;
    const sameSchema = earlier.trigger.schema?.local === trigger.schema?.local;
    if (sameType && sameSchema) continue;
    const differ = sameType ? "input schemas" : `data types (${earlier.trigger.type.text} and ${trigger.type.text})`;
    const problem = `workflows ${JSON.stringify(earlier.name)} and ${JSON.stringify(workflow.name)} are both triggered by event ${JSON.stringify(trigger.event)} with different ${differ}`;
    const fix = "give both the same event type (and input schema): the publish helper takes one type per event name";
    problems.add(new InvalidOptionError(trigger.location, problem, fix));
  }
}

/** The manifest's default export, which the generated file imports for the triggers' runId functions. */
export function importManifest(
  imports: ImportTable,
  outDir: string,
  manifestPath: string,
  namespace: string,
): ValueRef {
  const from = relativeModuleSpecifier(outDir, manifestPath);
  return { local: imports.use(from, "default", false, `${camelCase(namespace)}Manifest`).local };
}
