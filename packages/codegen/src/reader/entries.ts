import type { CallExpression, Expression } from "ts-morph";
import { Node } from "../compiler.js";
import { InvalidManifestNameError, MissingDescriptionError, NotStaticError } from "../errors.js";
import { isIdentifier, pascalCase, storedNameProblem } from "../model/names.js";
import type { ProblemCollector } from "./collector.js";
import type { RawName } from "./raw.js";
import { booleanLiteral, calleeName, readObject, type StaticProperty, stringLiteral, unwrap } from "./static.js";

export type EntryReader<T> = (entry: StaticProperty, problems: ProblemCollector) => T | undefined;

/** The manifest's lists, by their key, and what one entry of each is called in messages. */
const ENTRY_KINDS = {
  workflows: "workflow",
  activities: "activity",
  signals: "signal",
  updates: "update",
  queries: "query",
  outputs: "output",
  queues: "queue",
  schedules: "schedule",
  tags: "tag",
  streams: "stream",
} as const;

export type EntryKind = keyof typeof ENTRY_KINDS;

/** Reads `{ key: item(...) }` entries, checking names and duplicates. */
export function readEntries<T>(
  property: StaticProperty | undefined,
  kind: EntryKind,
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

/** Reports a stored name the database or TypeScript cannot take. */
export function checkName(problems: ProblemCollector, node: Node, kind: string, name: string): void {
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

/** The `callee(...)` call an entry's value must be, or a problem. */
export function expectCall(
  entry: StaticProperty,
  callee: string,
  kind: string,
  problems: ProblemCollector,
): CallExpression | undefined {
  const value = unwrap(entry.value);
  if (Node.isCallExpression(value) && calleeName(value) === callee) return value;
  const fix = `write \`${entry.key}: ${callee}(...)\` inline in the manifest`;
  problems.add(new NotStaticError(problems.at(entry.value), `${kind} ${JSON.stringify(entry.key)}`, fix));
  return undefined;
}

/** The properties of the options object passed as argument `index`, by key. */
export function configObject(
  call: CallExpression,
  index: number,
  what: string,
  problems: ProblemCollector,
): Map<string, StaticProperty> | undefined {
  const argument = call.getArguments()[index];
  if (argument === undefined) {
    const [kind = what, quoted = ""] = what.split(" ");
    problems.add(new MissingDescriptionError(problems.at(call), kind, quoted.replace(/^"|"$/g, "")));
    return undefined;
  }
  const properties = readObject(unwrap(argument), `the options of ${what}`, problems);
  return properties === undefined ? undefined : indexProperties(properties);
}

/** The required, non-empty description of an item; "" after reporting its absence. */
export function readDescription(
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

/** An optional description (queues, schedules): undefined when absent. */
export function readOptionalDescription(
  config: Map<string, StaticProperty>,
  call: CallExpression,
  kind: string,
  name: string,
  problems: ProblemCollector,
): string | undefined {
  if (!config.has("description")) return undefined;
  const text = readDescription(config, call, kind, name, problems);
  return text === "" ? undefined : text;
}

export function readBoolean(property: StaticProperty | undefined, what: string, problems: ProblemCollector): boolean {
  if (property === undefined) return false;
  const value = booleanLiteral(unwrap(property.value));
  if (value === undefined) {
    problems.add(new NotStaticError(problems.at(property.value), `\`${what}\``, "write `true` or `false`"));
    return false;
  }
  return value;
}

/** A string literal option with where it was written; undefined (after a problem) when it is no literal. */
export function readName(property: StaticProperty | undefined, what: string, problems: ProblemCollector) {
  if (property === undefined) return undefined;
  const node = unwrap(property.value);
  const name = stringLiteral(node);
  if (name === undefined) {
    problems.add(new NotStaticError(problems.at(property.value), what, "write a string literal"));
    return undefined;
  }
  const raw: RawName = { name, node };
  return raw;
}

/** `["a", "b"]`: string literals with where each was written. */
export function readNames(property: StaticProperty | undefined, what: string, problems: ProblemCollector): RawName[] {
  if (property === undefined) return [];
  const node = unwrap(property.value);
  if (!Node.isArrayLiteralExpression(node)) {
    problems.add(new NotStaticError(problems.at(property.value), what, 'write an array of string literals, `["a"]`'));
    return [];
  }
  const names: RawName[] = [];
  for (const element of node.getElements()) {
    const name = stringLiteral(unwrap(element));
    if (name === undefined)
      problems.add(new NotStaticError(problems.at(element), `an entry of ${what}`, "write a string literal"));
    else names.push({ name, node: element });
  }
  return names;
}

/** `{ key: value }`, or `{}` when value is undefined: for optional properties under exactOptionalPropertyTypes. */
export function optional<K extends string, V>(key: K, value: V | undefined) {
  return (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;
}

export function optionalExpression<K extends string>(key: K, property: StaticProperty | undefined) {
  return (property === undefined ? {} : { [key]: property.value }) as Partial<Record<K, Expression>>;
}

export function indexProperties(properties: readonly StaticProperty[]): Map<string, StaticProperty> {
  return new Map(properties.map((property) => [property.key, property]));
}
