import { ts } from "../compiler.js";
import type { ImportTable } from "../model/imports.js";
import type { TypeRef, ValueRef } from "../model/model.js";
import type { ImportableNames } from "./importable.js";
import type { TypePrinter } from "./print-type.js";

/** The two types of a schema: what a writer passes to it, and what it gives back. */
export interface SchemaTypes {
  /** What `parse` returns (zod's `z.output`): what readers get. */
  readonly read: TypeRef;
  /** What `parse` accepts and turns into `read` (zod's `z.input`: before defaults and transforms). */
  readonly write: TypeRef;
  /** The checker type of `read`, for the JSON check; undefined when the schema has no `parse`. */
  readonly parsed: ts.Type | undefined;
}

/**
 * Types of the schemas a manifest passes. A zod schema (3 or 4) has distinct input and output
 * types, printed as `z.input<typeof Schema>` and `z.output<typeof Schema>` unless the user exported
 * an alias for them; any other `{ parse }` schema is known only by what `parse` returns.
 */
export class SchemaReader {
  readonly #checker: ts.TypeChecker;
  readonly #printer: TypePrinter;
  readonly #imports: ImportTable;
  readonly #names: ImportableNames;

  constructor(checker: ts.TypeChecker, printer: TypePrinter, imports: ImportTable, names: ImportableNames) {
    this.#checker = checker;
    this.#printer = printer;
    this.#imports = imports;
    this.#names = names;
  }

  read(node: ts.Node, schema: ValueRef): SchemaTypes {
    const schemaType = this.#checker.getTypeAtLocation(node);
    const parsed = this.#parseResult(schemaType, node);
    const zodInput = this.#zodInput(schemaType, node);
    if (zodInput === undefined) {
      const read = this.#named(parsed, `ReturnType<typeof ${schema.local}.parse>`);
      return { read, write: read, parsed };
    }
    const z = this.#zodNamespace();
    return {
      read: this.#named(parsed, `${z}.output<typeof ${schema.local}>`),
      write: this.#named(zodInput, `${z}.input<typeof ${schema.local}>`),
      parsed,
    };
  }

  /** The user's name for `type`, else the type itself when it is a primitive or literal, else `fallback`. */
  #named(type: ts.Type | undefined, fallback: string): TypeRef {
    if (type === undefined) return { text: fallback };
    const named = this.#printer.printNamed(type);
    if (named !== undefined) return named;
    const composite = type.flags & (ts.TypeFlags.Object | ts.TypeFlags.Union | ts.TypeFlags.Intersection);
    return composite && !(type.flags & ts.TypeFlags.Boolean) ? { text: fallback } : this.#printer.print(type);
  }

  #parseResult(schemaType: ts.Type, node: ts.Node): ts.Type | undefined {
    const parse = schemaType.getProperty("parse");
    if (parse === undefined) return undefined;
    const signature = this.#checker.getTypeOfSymbolAtLocation(parse, node).getCallSignatures()[0];
    return signature === undefined ? undefined : this.#checker.getReturnTypeOfSignature(signature);
  }

  /** zod 4 keeps the input type at `_zod.input`, zod 3 at `_input`; undefined for other schemas. */
  #zodInput(schemaType: ts.Type, node: ts.Node): ts.Type | undefined {
    const internals = schemaType.getProperty("_zod");
    const holder = internals === undefined ? schemaType : this.#checker.getTypeOfSymbolAtLocation(internals, node);
    const input = holder.getProperty(internals === undefined ? "_input" : "input");
    if (input === undefined || (internals === undefined && schemaType.getProperty("_def") === undefined)) {
      return undefined;
    }
    return this.#checker.getTypeOfSymbolAtLocation(input, node);
  }

  /** `z` as the user imports it (`zod`, `zod/v4`, `zod/mini`), else from "zod". */
  #zodNamespace(): string {
    const site = this.#names.findPackageImport(
      (candidate) => candidate.name === "z" && /^zod(\/|$)/.test(candidate.from),
    ) ?? { from: "zod", name: "z" };
    return this.#imports.use(site.from, site.name, true).local;
  }
}
