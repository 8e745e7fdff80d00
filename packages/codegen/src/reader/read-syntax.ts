import type { Expression, SourceFile } from "ts-morph";
import { NotStaticError, NoWorkflowError } from "../errors.js";
import type { ProblemCollector } from "./collector.js";
import {
  checkName,
  configObject,
  expectCall,
  indexProperties,
  optional,
  optionalExpression,
  readBoolean,
  readDescription,
  readEntries,
  readName,
  readNames,
  readOptionalDescription,
} from "./entries.js";
import { findDefaultExport } from "./find-default-export.js";
import { DURATION_OPTIONS } from "./literal.js";
import { checkOptionKeys } from "./option-keys.js";
import type { RawActivity, RawMessage, RawNamespace, RawStream, RawTag, RawTypedEntry, RawWorkflow } from "./raw.js";
import { readQueue, readSchedule } from "./read-flow-control.js";
import { readRequests } from "./read-requests.js";
import { readTrigger } from "./read-trigger.js";
import { readObject, type StaticProperty, stringLiteral, unwrap } from "./static.js";

/** Reads the manifest's syntax: names, descriptions and the nodes that carry types. */
export function readSyntax(sourceFile: SourceFile, problems: ProblemCollector): RawNamespace | undefined {
  const call = findDefaultExport(sourceFile, problems);
  if (call === undefined) return undefined;
  const argument = call.getArguments()[0];
  if (argument === undefined) {
    problems.add(new NotStaticError(problems.at(call), "defineNamespace()", "pass `{ name, workflows, activities }`"));
    return undefined;
  }
  const properties = readObject(unwrap(argument), "defineNamespace({ ... })", problems);
  if (properties === undefined) return undefined;
  checkOptionKeys(properties, "defineNamespace", "defineNamespace({ ... })", problems);
  const byKey = indexProperties(properties);
  const nameProperty = byKey.get("name");
  const name = nameProperty === undefined ? undefined : stringLiteral(unwrap(nameProperty.value));
  if (nameProperty === undefined || name === undefined) {
    const fix = 'add `name: "my-namespace"` as a string literal';
    problems.add(new NotStaticError(problems.at(nameProperty?.value ?? call), "the namespace name", fix));
    return undefined;
  }
  checkName(problems, nameProperty.value, "namespace", name);
  const workflows = readEntries(byKey.get("workflows"), "workflows", problems, readWorkflow);
  if (workflows.length === 0) problems.add(new NoWorkflowError(problems.at(byKey.get("workflows")?.value ?? call)));
  const activities = readEntries(byKey.get("activities"), "activities", problems, readActivity);
  const queues = readEntries(byKey.get("queues"), "queues", problems, readQueue);
  const schedules = readEntries(byKey.get("schedules"), "schedules", problems, readSchedule);
  const register = readBoolean(byKey.get("register"), "register", problems);
  return { sourceFile, name, nameNode: nameProperty.value, call, workflows, activities, queues, schedules, register };
}

function readWorkflow(entry: StaticProperty, problems: ProblemCollector): RawWorkflow | undefined {
  const call = expectCall(entry, "workflow", "workflow", problems);
  if (call === undefined) return undefined;
  const config = configObject(call, 0, `workflow ${JSON.stringify(entry.key)}`, problems);
  if (config === undefined) return undefined;
  checkOptionKeys(config.values(), "workflow", `workflow ${JSON.stringify(entry.key)}`, problems);
  const description = readDescription(config, call, "workflow", entry.key, problems);
  const [inputTypeNode, outputTypeNode] = call.getTypeArguments();
  return {
    name: entry.key,
    keyNode: entry.keyNode,
    call,
    description,
    ...(inputTypeNode === undefined ? {} : { inputTypeNode }),
    ...(outputTypeNode === undefined ? {} : { outputTypeNode }),
    ...optionalExpression("inputSchema", config.get("input")),
    ...optionalExpression("outputSchema", config.get("output")),
    signals: readEntries(config.get("signals"), "signals", problems, (item, p) => readMessage(item, "signal", p)),
    ...readRequests(config, problems),
    outputs: readEntries(config.get("outputs"), "outputs", problems, (item, p) => readMessage(item, "output", p)),
    register: readBoolean(config.get("register"), "register", problems),
    children: readNames(config.get("children"), `the children of workflow ${JSON.stringify(entry.key)}`, problems),
    ...optional("queue", readName(config.get("queue"), `the queue of workflow ${JSON.stringify(entry.key)}`, problems)),
    ...optional("trigger", readTrigger(config.get("trigger"), entry.key, problems)),
    secret: readNames(config.get("secret"), `the secret fields of workflow ${JSON.stringify(entry.key)}`, problems),
    tags: readEntries(config.get("tags"), "tags", problems, readTag),
    streams: readEntries(config.get("streams"), "streams", problems, readStream),
  };
}

/** `key: tag<Type>({ description? })`; its type is resolved with the workflow's. */
function readTag(entry: StaticProperty, problems: ProblemCollector): RawTag | undefined {
  return readTypedEntry(entry, "tag", problems);
}

/** `key: stream<Type>({ description? })`, on a workflow or an activity; its type is resolved with theirs. */
function readStream(entry: StaticProperty, problems: ProblemCollector): RawStream | undefined {
  return readTypedEntry(entry, "stream", problems);
}

/** `key: kind<Type>({ description? })`: the call, its description and its type argument. */
function readTypedEntry(
  entry: StaticProperty,
  kind: "tag" | "stream",
  problems: ProblemCollector,
): RawTypedEntry | undefined {
  const call = expectCall(entry, kind, kind, problems);
  if (call === undefined) return undefined;
  let description: string | undefined;
  if (call.getArguments().length > 0) {
    const config = configObject(call, 0, `${kind} ${JSON.stringify(entry.key)}`, problems);
    if (config === undefined) return undefined;
    checkOptionKeys(config.values(), kind, `${kind} ${JSON.stringify(entry.key)}`, problems);
    description = readOptionalDescription(config, call, kind, entry.key, problems);
  }
  const typeNode = call.getTypeArguments()[0];
  return {
    name: entry.key,
    keyNode: entry.keyNode,
    call,
    ...optional("description", description),
    ...(typeNode === undefined ? {} : { typeNode }),
  };
}

function readMessage(entry: StaticProperty, kind: "signal" | "output", problems: ProblemCollector) {
  const call = expectCall(entry, kind, kind, problems);
  if (call === undefined) return undefined;
  const args = call.getArguments();
  const schemaFirst = args.length >= 2;
  const config = configObject(call, schemaFirst ? 1 : 0, `${kind} ${JSON.stringify(entry.key)}`, problems);
  if (config === undefined) return undefined;
  checkOptionKeys(config.values(), kind, `${kind} ${JSON.stringify(entry.key)}`, problems);
  const typeNode = call.getTypeArguments()[0];
  const schema = schemaFirst ? (args[0] as Expression | undefined) : config.get("schema")?.value;
  const message: RawMessage = {
    name: entry.key,
    keyNode: entry.keyNode,
    call,
    description: readDescription(config, call, kind, entry.key, problems),
    ...(typeNode === undefined ? {} : { typeNode }),
    ...(schema === undefined ? {} : { schema }),
  };
  return message;
}

function readActivity(entry: StaticProperty, problems: ProblemCollector): RawActivity | undefined {
  const call = expectCall(entry, "activity", "activity", problems);
  if (call === undefined) return undefined;
  const fn = call.getArguments()[0] as Expression | undefined;
  const config = configObject(call, 1, `activity ${JSON.stringify(entry.key)}`, problems);
  if (fn === undefined || config === undefined) return undefined;
  checkOptionKeys(config.values(), "activity", `activity ${JSON.stringify(entry.key)}`, problems);
  return {
    name: entry.key,
    keyNode: entry.keyNode,
    call,
    description: readDescription(config, call, "activity", entry.key, problems),
    fn,
    ...optionalExpression("retry", config.get("retry")),
    durations: Object.fromEntries(DURATION_OPTIONS.map((key) => [key, config.get(key)?.value])),
    register: readBoolean(config.get("register"), "register", problems),
    secret: readNames(config.get("secret"), `the secret fields of activity ${JSON.stringify(entry.key)}`, problems),
    ...optional("queue", readName(config.get("queue"), `the queue of activity ${JSON.stringify(entry.key)}`, problems)),
    streams: readEntries(config.get("streams"), "streams", problems, readStream),
  };
}
