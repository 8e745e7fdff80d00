import type { CallExpression, Expression, SourceFile } from "ts-morph";
import { Node } from "../compiler.js";
import { InvalidManifestNameError, MissingDescriptionError, NotStaticError, NoWorkflowError } from "../errors.js";
import { isIdentifier, pascalCase, storedNameProblem } from "../model/names.js";
import type { ProblemCollector } from "./collector.js";
import { findDefaultExport } from "./find-default-export.js";
import type { RawActivity, RawMessage, RawNamespace, RawWorkflow } from "./raw.js";
import { booleanLiteral, calleeName, readObject, type StaticProperty, stringLiteral, unwrap } from "./static.js";

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
  const register = readBoolean(byKey.get("register"), "register", problems);
  return { sourceFile, name, nameNode: nameProperty.value, call, workflows, activities, register };
}

type EntryReader<T> = (entry: StaticProperty, problems: ProblemCollector) => T | undefined;

/** The manifest's lists, by their key, and what one entry of each is called in messages. */
const ENTRY_KINDS = { workflows: "workflow", activities: "activity", signals: "signal", outputs: "output" } as const;

/** Reads `{ key: item(...) }` entries, checking names and duplicates. */
function readEntries<T>(
  property: StaticProperty | undefined,
  kind: keyof typeof ENTRY_KINDS,
  problems: ProblemCollector,
  read: EntryReader<T>,
): T[] {
  if (property === undefined) return [];
  const entries = readObject(unwrap(property.value), kind, problems) ?? [];
  const singular = ENTRY_KINDS[kind];
  const seen = new Set<string>();
  const items: T[] = [];
  for (const entry of entries) {
    if (seen.has(entry.key)) {
      const reason = `it is declared twice in ${kind}; names must be unique`;
      problems.add(new InvalidManifestNameError(problems.at(entry.keyNode), singular, entry.key, reason));
      continue;
    }
    seen.add(entry.key);
    checkName(problems, entry.keyNode, singular, entry.key);
    const item = read(entry, problems);
    if (item !== undefined) items.push(item);
  }
  return items;
}

function checkName(problems: ProblemCollector, node: Node, kind: string, name: string): void {
  const stored = storedNameProblem(name);
  if (stored !== undefined) {
    const reason = `${stored}. Names are non-empty, at most 255 bytes of UTF-8, and contain no "/"`;
    problems.add(new InvalidManifestNameError(problems.at(node), kind, name, reason));
    return;
  }
  const identifier = pascalCase(name);
  if (!isIdentifier(identifier)) {
    const reason = `it becomes ${JSON.stringify(identifier)} in TypeScript, which is not an identifier; start it with a letter`;
    problems.add(new InvalidManifestNameError(problems.at(node), kind, name, reason));
  }
}

function expectCall(entry: StaticProperty, callee: string, kind: string, problems: ProblemCollector) {
  const value = unwrap(entry.value);
  if (Node.isCallExpression(value) && calleeName(value) === callee) return value;
  const fix = `write \`${entry.key}: ${callee}(...)\` inline in the manifest`;
  problems.add(new NotStaticError(problems.at(entry.value), `${kind} ${JSON.stringify(entry.key)}`, fix));
  return undefined;
}

function readWorkflow(entry: StaticProperty, problems: ProblemCollector): RawWorkflow | undefined {
  const call = expectCall(entry, "workflow", "workflow", problems);
  if (call === undefined) return undefined;
  const config = configObject(call, 0, `workflow ${JSON.stringify(entry.key)}`, problems);
  if (config === undefined) return undefined;
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
    outputs: readEntries(config.get("outputs"), "outputs", problems, (item, p) => readMessage(item, "output", p)),
    register: readBoolean(config.get("register"), "register", problems),
  };
}

function readMessage(entry: StaticProperty, kind: "signal" | "output", problems: ProblemCollector) {
  const call = expectCall(entry, kind, kind, problems);
  if (call === undefined) return undefined;
  const args = call.getArguments();
  const schemaFirst = args.length >= 2;
  const config = configObject(call, schemaFirst ? 1 : 0, `${kind} ${JSON.stringify(entry.key)}`, problems);
  if (config === undefined) return undefined;
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
  return {
    name: entry.key,
    keyNode: entry.keyNode,
    call,
    description: readDescription(config, call, "activity", entry.key, problems),
    fn,
    ...optionalExpression("retry", config.get("retry")),
    ...optionalExpression("timeout", config.get("timeout")),
    register: readBoolean(config.get("register"), "register", problems),
  };
}

function configObject(call: CallExpression, index: number, what: string, problems: ProblemCollector) {
  const argument = call.getArguments()[index];
  if (argument === undefined) {
    const [kind = what, quoted = ""] = what.split(" ");
    problems.add(new MissingDescriptionError(problems.at(call), kind, quoted.replace(/^"|"$/g, "")));
    return undefined;
  }
  const properties = readObject(unwrap(argument), `the options of ${what}`, problems);
  return properties === undefined ? undefined : indexProperties(properties);
}

function readDescription(
  config: Map<string, StaticProperty>,
  call: CallExpression,
  kind: string,
  name: string,
  problems: ProblemCollector,
): string {
  const property = config.get("description");
  if (property === undefined) {
    problems.add(new MissingDescriptionError(problems.at(call), kind, name));
    return "";
  }
  const text = stringLiteral(unwrap(property.value));
  if (text === undefined) {
    const fix = "write the description as a string literal";
    problems.add(
      new NotStaticError(problems.at(property.value), `the description of ${kind} ${JSON.stringify(name)}`, fix),
    );
    return "";
  }
  if (text.trim() === "") problems.add(new MissingDescriptionError(problems.at(property.value), kind, name));
  return text.trim();
}

function readBoolean(property: StaticProperty | undefined, what: string, problems: ProblemCollector): boolean {
  if (property === undefined) return false;
  const value = booleanLiteral(unwrap(property.value));
  if (value === undefined) {
    problems.add(new NotStaticError(problems.at(property.value), `\`${what}\``, "write `true` or `false`"));
    return false;
  }
  return value;
}

function optionalExpression<K extends string>(key: K, property: StaticProperty | undefined) {
  return (property === undefined ? {} : { [key]: property.value }) as Partial<Record<K, Expression>>;
}

function indexProperties(properties: readonly StaticProperty[]): Map<string, StaticProperty> {
  return new Map(properties.map((property) => [property.key, property]));
}
