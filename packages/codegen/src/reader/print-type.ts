import { ts } from "ts-morph";
import type { ImportTable } from "../model/imports.js";
import type { TypeRef } from "../model/model.js";
import { isUserFile, relativeModuleSpecifier } from "./module-path.js";

/**
 * Prints checker types for the generated file. Named types (interfaces, aliases,
 * classes, enums) exported from the user's files are referenced by name and
 * imported; lib types by name; anything else is printed structurally.
 */
export class TypePrinter {
  readonly #checker: ts.TypeChecker;
  readonly #program: ts.Program;
  readonly #imports: ImportTable;
  readonly #outDir: string;

  constructor(program: ts.Program, imports: ImportTable, outDir: string) {
    this.#program = program;
    this.#checker = program.getTypeChecker();
    this.#imports = imports;
    this.#outDir = outDir;
  }

  print(type: ts.Type): TypeRef {
    return { text: this.#print(type, new Set()) };
  }

  #print(type: ts.Type, seen: Set<ts.Type>): string {
    const alias = type.aliasSymbol;
    if (alias !== undefined) {
      const name = this.#namedReference(alias);
      if (name !== undefined) return name + this.#typeArguments(type.aliasTypeArguments ?? [], seen);
    }
    if (type.isUnion()) return this.#union(type, type.types, seen);
    if (type.isIntersection()) return type.types.map((member) => this.#wrapped(member, seen)).join(" & ");
    if (type.flags & ts.TypeFlags.Object) return this.#object(type as ts.ObjectType, seen);
    return this.#checker.typeToString(type, undefined, ts.TypeFormatFlags.NoTruncation);
  }

  #union(type: ts.Type, types: readonly ts.Type[], seen: Set<ts.Type>): string {
    if (type.flags & ts.TypeFlags.EnumLiteral && type.symbol !== undefined) {
      const name = this.#namedReference(type.symbol);
      if (name !== undefined) return name;
    }
    const parts: string[] = [];
    let booleans = 0;
    for (const member of types) {
      if (member.flags & ts.TypeFlags.BooleanLiteral) {
        booleans++;
        if (booleans === 2) parts.push("boolean");
        continue;
      }
      parts.push(this.#wrapped(member, seen));
    }
    if (booleans === 1) {
      const literal = types.find((member) => member.flags & ts.TypeFlags.BooleanLiteral);
      if (literal !== undefined) parts.push(this.#checker.typeToString(literal));
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
    return needsParens && text !== "boolean" ? `(${text})` : text;
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
    const symbol = type.symbol;
    if (
      symbol !== undefined &&
      symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.Class | ts.SymbolFlags.Enum)
    ) {
      const name = this.#namedReference(symbol);
      if (name !== undefined) return name + this.#typeArguments(this.#referenceArguments(type, symbol), seen);
    }
    return this.#structural(type, seen);
  }

  #referenceArguments(type: ts.ObjectType, symbol: ts.Symbol): readonly ts.Type[] {
    if (!(type.objectFlags & ts.ObjectFlags.Reference)) return [];
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
    return `${readonly}${key}${optional ? "?" : ""}: ${optional ? this.#withoutUndefined(type, seen) : this.#print(type, seen)}`;
  }

  /** An optional property's type without the `undefined` the checker adds. */
  #withoutUndefined(type: ts.Type, seen: Set<ts.Type>): string {
    if (!type.isUnion() || type.aliasSymbol !== undefined) return this.#print(type, seen);
    const kept = type.types.filter((member) => !(member.flags & ts.TypeFlags.Undefined));
    const only = kept.length === 1 ? kept[0] : undefined;
    return only !== undefined ? this.#print(only, seen) : this.#union(type, kept, seen);
  }

  /** The local name of a named type, importing it when it comes from a user file; undefined when it must be expanded. */
  #namedReference(symbol: ts.Symbol): string | undefined {
    const declaration = symbol.declarations?.[0];
    if (declaration === undefined) return undefined;
    const file = declaration.getSourceFile();
    if (this.#program.isSourceFileDefaultLibrary(file)) return symbol.name;
    if (!isUserFile(file.fileName)) return undefined;
    const exportName = this.#exportName(file, symbol);
    if (exportName === undefined) return undefined;
    const from = relativeModuleSpecifier(this.#outDir, file.fileName);
    return this.#imports.use(from, exportName, true).local;
  }

  #exportName(file: ts.SourceFile, symbol: ts.Symbol): string | undefined {
    const moduleSymbol = this.#checker.getSymbolAtLocation(file);
    if (moduleSymbol === undefined) return undefined;
    for (const exported of this.#checker.getExportsOfModule(moduleSymbol)) {
      const target = exported.flags & ts.SymbolFlags.Alias ? this.#checker.getAliasedSymbol(exported) : exported;
      if (target === symbol) return exported.name;
    }
    return undefined;
  }
}
