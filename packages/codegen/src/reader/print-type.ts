import { ts } from "../compiler.js";
import type { ImportTable } from "../model/imports.js";
import type { TypeRef } from "../model/model.js";
import type { ImportableNames } from "./importable.js";

/**
 * Prints checker types for the generated file. A type the user named (an interface, class, enum
 * or alias exported from their files or imported from a package, or an exported alias that only
 * renames another type) is printed by that name and imported; lib types by name; only anonymous
 * types are printed as structures.
 *
 * The program is read with `exactOptionalPropertyTypes`, so an optional property's `| undefined`
 * is printed exactly where the source has it.
 */
export class TypePrinter {
  readonly #checker: ts.TypeChecker;
  readonly #program: ts.Program;
  readonly #imports: ImportTable;
  readonly #names: ImportableNames;
  /** Set once a type the compiler could not resolve (an error type) was printed. */
  sawUnresolved = false;

  constructor(program: ts.Program, imports: ImportTable, names: ImportableNames) {
    this.#program = program;
    this.#checker = program.getTypeChecker();
    this.#imports = imports;
    this.#names = names;
  }

  print(type: ts.Type): TypeRef {
    return { text: this.#print(type, new Set()) };
  }

  /** The type by a name the user gave it, or undefined when it has none the generated file can import. */
  printNamed(type: ts.Type): TypeRef | undefined {
    const seen = new Set<ts.Type>();
    const text = this.#aliasReference(type, seen) ?? this.#declaredName(type, seen) ?? this.#userAlias(type);
    return text === undefined ? undefined : { text };
  }

  #print(type: ts.Type, seen: Set<ts.Type>): string {
    const aliased = this.#aliasReference(type, seen);
    if (aliased !== undefined) return aliased;
    if (type.isUnion()) return this.#userAlias(type) ?? this.#union(type, type.types, seen);
    if (type.isIntersection()) {
      return this.#userAlias(type) ?? type.types.map((member) => this.#wrapped(member, seen)).join(" & ");
    }
    if (type.flags & ts.TypeFlags.Object) return this.#object(type as ts.ObjectType, seen);
    if (isErrorType(type)) this.sawUnresolved = true;
    return this.#checker.typeToString(type, undefined, ts.TypeFormatFlags.NoTruncation);
  }

  #aliasReference(type: ts.Type, seen: Set<ts.Type>): string | undefined {
    const alias = type.aliasSymbol;
    if (alias === undefined) return undefined;
    const name = this.#namedReference(alias);
    return name === undefined ? undefined : name + this.#typeArguments(type.aliasTypeArguments ?? [], seen);
  }

  #union(type: ts.Type, types: readonly ts.Type[], seen: Set<ts.Type>): string {
    if (type.flags & ts.TypeFlags.EnumLiteral && type.symbol !== undefined) {
      const name = this.#namedReference(type.symbol);
      if (name !== undefined) return name;
    }
    // `true | false` is one member, `boolean`, at the place of the first.
    const booleans = types.filter((member) => member.flags & ts.TypeFlags.BooleanLiteral).length;
    let booleanPrinted = false;
    const parts: string[] = [];
    for (const member of nullishLast(types)) {
      if (!(member.flags & ts.TypeFlags.BooleanLiteral)) {
        parts.push(this.#wrapped(member, seen));
      } else if (!booleanPrinted) {
        booleanPrinted = true;
        parts.push(booleans === 2 ? "boolean" : this.#checker.typeToString(member));
      }
    }
    return parts.join(" | ");
  }

  /** A member of a union, intersection or array: parenthesised when needed. */
  #wrapped(type: ts.Type, seen: Set<ts.Type>): string {
    const text = this.#print(type, seen);
    const needsParens =
      type.aliasSymbol === undefined &&
      (type.isUnion() ||
        type.isIntersection() ||
        this.#checker.getSignaturesOfType(type, ts.SignatureKind.Call).length > 0) &&
      !(type.flags & ts.TypeFlags.Boolean) &&
      !(type.flags & ts.TypeFlags.EnumLiteral);
    // A user alias prints as a bare name, which needs none.
    return needsParens && text !== "boolean" && /[|&]|=>/.test(text) ? `(${text})` : text;
  }

  #object(type: ts.ObjectType, seen: Set<ts.Type>): string {
    const checker = this.#checker;
    if (checker.isArrayType(type)) {
      const element = checker.getTypeArguments(type as ts.TypeReference)[0];
      const readonly = (type as ts.TypeReference).target.symbol?.name === "ReadonlyArray" ? "readonly " : "";
      return `${readonly}${element === undefined ? "unknown" : this.#wrapped(element, seen)}[]`;
    }
    if (checker.isTupleType(type)) {
      const elements = checker.getTypeArguments(type as ts.TypeReference).map((item) => this.#print(item, seen));
      const readonly = ((type as ts.TypeReference).target as ts.TupleType).readonly ? "readonly " : "";
      return `${readonly}[${elements.join(", ")}]`;
    }
    return this.#declaredName(type, seen) ?? this.#userAlias(type) ?? this.#structural(type, seen);
  }

  /** An interface, class or enum by its name, with its type arguments. */
  #declaredName(type: ts.Type, seen: Set<ts.Type>): string | undefined {
    const symbol = type.symbol;
    if (
      symbol === undefined ||
      !(symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.Class | ts.SymbolFlags.Enum))
    ) {
      return undefined;
    }
    const name = this.#namedReference(symbol);
    if (name === undefined) return undefined;
    return name + this.#typeArguments(this.#referenceArguments(type as ts.ObjectType, symbol), seen);
  }

  #userAlias(type: ts.Type): string | undefined {
    const alias = this.#names.aliasOf(type);
    return alias === undefined ? undefined : this.#namedReference(alias);
  }

  #referenceArguments(type: ts.ObjectType, symbol: ts.Symbol): readonly ts.Type[] {
    if (!(type.flags & ts.TypeFlags.Object) || !(type.objectFlags & ts.ObjectFlags.Reference)) return [];
    const declared = symbol.declarations?.[0];
    const count =
      declared !== undefined && (ts.isInterfaceDeclaration(declared) || ts.isClassDeclaration(declared))
        ? (declared.typeParameters?.length ?? 0)
        : 0;
    return this.#checker.getTypeArguments(type as ts.TypeReference).slice(0, count);
  }

  #typeArguments(args: readonly ts.Type[], seen: Set<ts.Type>): string {
    if (args.length === 0) return "";
    return `<${args.map((arg) => this.#print(arg, seen)).join(", ")}>`;
  }

  #structural(type: ts.ObjectType, seen: Set<ts.Type>): string {
    const checker = this.#checker;
    if (seen.has(type) || checker.getSignaturesOfType(type, ts.SignatureKind.Call).length > 0) {
      return checker.typeToString(type, undefined, ts.TypeFormatFlags.NoTruncation);
    }
    seen.add(type);
    const members: string[] = [];
    for (const info of checker.getIndexInfosOfType(type)) {
      const key = checker.typeToString(info.keyType);
      members.push(`${info.isReadonly ? "readonly " : ""}[key: ${key}]: ${this.#print(info.type, seen)}`);
    }
    for (const property of checker.getPropertiesOfType(type)) members.push(this.#property(property, seen));
    seen.delete(type);
    return members.length === 0 ? "{}" : `{ ${members.join("; ")} }`;
  }

  #property(property: ts.Symbol, seen: Set<ts.Type>): string {
    const optional = (property.flags & ts.SymbolFlags.Optional) !== 0;
    const declaration = property.valueDeclaration ?? property.declarations?.[0];
    const readonly =
      declaration !== undefined && ts.getCombinedModifierFlags(declaration) & ts.ModifierFlags.Readonly
        ? "readonly "
        : "";
    const type = this.#checker.getTypeOfSymbol(property);
    const key = /^[A-Za-z_$][\w$]*$/.test(property.name) ? property.name : JSON.stringify(property.name);
    return `${readonly}${key}${optional ? "?" : ""}: ${optional ? this.#declaredOptional(type, seen) : this.#print(type, seen)}`;
  }

  /**
   * An optional property's type as declared. The checker adds a "missing" undefined to it, which
   * is not the `undefined` type itself: only that one is dropped, so `note?: string | undefined`
   * (zod's `.optional()`) keeps its `| undefined` and `note?: string` gets none.
   */
  #declaredOptional(type: ts.Type, seen: Set<ts.Type>): string {
    if (!type.isUnion() || type.aliasSymbol !== undefined) return this.#print(type, seen);
    const undefinedType = this.#checker.getUndefinedType();
    const kept = type.types.filter((member) => !(member.flags & ts.TypeFlags.Undefined) || member === undefinedType);
    if (kept.length === type.types.length) return this.#print(type, seen);
    const only = kept.length === 1 ? kept[0] : undefined;
    return only !== undefined ? this.#print(only, seen) : this.#union(type, kept, seen);
  }

  /** The local name of a named type, importing it when it comes from a module; undefined when it must be expanded. */
  #namedReference(symbol: ts.Symbol): string | undefined {
    const declaration = symbol.declarations?.[0];
    if (declaration === undefined) return undefined;
    if (this.#program.isSourceFileDefaultLibrary(declaration.getSourceFile())) return symbol.name;
    const site = this.#names.locate(symbol);
    return site === undefined ? undefined : this.#imports.use(site.from, site.name, true).local;
  }
}

/** `string | undefined`, `Status[] | null`: the order people write, where the checker's puts them first. */
function nullishLast(types: readonly ts.Type[]): ts.Type[] {
  const nullish = ts.TypeFlags.Null | ts.TypeFlags.Undefined;
  return [...types.filter((type) => !(type.flags & nullish)), ...types.filter((type) => type.flags & nullish)];
}

/** A type the compiler could not resolve: a missing module, package or global. */
export function isErrorType(type: ts.Type): boolean {
  return (type.flags & ts.TypeFlags.Any) !== 0 && (type as { intrinsicName?: string }).intrinsicName === "error";
}
