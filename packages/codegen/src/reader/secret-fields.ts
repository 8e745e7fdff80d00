import { ts } from "../compiler.js";
import { InvalidOptionError } from "../errors.js";
import type { ProblemCollector } from "./collector.js";
import type { RawName } from "./raw.js";

/** Types are searched for a secret field this deep at most (a field of a field of ... ). */
const MAX_DEPTH = 8;

/**
 * The field names of a workflow's or an activity's `secret: [...]`, sorted, without repeats.
 * Each must be a property name somewhere in `types` (its input and result) when the reader can
 * tell: a type that is `any`, `unknown` or has an index signature may hold any name, and then
 * the name is taken as written.
 */
export function readSecretFields(
  names: readonly RawName[],
  types: readonly (ts.Type | undefined)[],
  checker: ts.TypeChecker,
  what: string,
  problems: ProblemCollector,
): string[] {
  const search = new FieldSearch(checker);
  const known = types.every((type) => type !== undefined) ? search.names(types as ts.Type[]) : undefined;
  const fields = new Set<string>();
  for (const { name, node } of names) {
    if (name === "") {
      problems.add(new InvalidOptionError(problems.at(node), `a secret field of ${what}`, "write a field name"));
    } else if (known !== undefined && !known.has(name)) {
      const fix = `it is no field of its input or result type; write one of ${[...known].sort().join(", ") || "(no fields)"}`;
      problems.add(new InvalidOptionError(problems.at(node), `secret field ${JSON.stringify(name)} of ${what}`, fix));
    } else {
      fields.add(name);
    }
  }
  return [...fields].sort();
}

/** The property names of types at any depth; undefined when a type could hold any name. */
class FieldSearch {
  readonly #checker: ts.TypeChecker;
  readonly #seen = new Set<ts.Type>();
  readonly #found = new Set<string>();
  #open = false;

  constructor(checker: ts.TypeChecker) {
    this.#checker = checker;
  }

  names(types: readonly ts.Type[]): Set<string> | undefined {
    for (const type of types) this.#visit(type, 0);
    return this.#open ? undefined : this.#found;
  }

  #visit(type: ts.Type, depth: number): void {
    if (this.#open || depth > MAX_DEPTH || this.#seen.has(type)) return;
    this.#seen.add(type);
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) {
      this.#open = true;
      return;
    }
    if (type.isUnionOrIntersection()) {
      for (const part of type.types) this.#visit(part, depth);
      return;
    }
    if (!(type.flags & ts.TypeFlags.Object)) return;
    if (this.#checker.getIndexInfosOfType(type).some((info) => info.keyType.flags & ts.TypeFlags.String)) {
      this.#open = true;
      return;
    }
    if (this.#checker.isArrayType(type) || this.#checker.isTupleType(type)) {
      for (const item of this.#checker.getTypeArguments(type as ts.TypeReference)) this.#visit(item, depth + 1);
      return;
    }
    for (const property of type.getProperties()) {
      this.#found.add(property.getName());
      this.#visit(this.#checker.getTypeOfSymbol(property), depth + 1);
    }
  }
}
