import { ts } from "../compiler.js";
import { isErrorType } from "./print-type.js";

/** Why a type cannot travel as JSON, and where in it. */
export interface JsonProblem {
  /** Path inside the type, e.g. `$.items[].createdAt`; `$` for the type itself. */
  readonly path: string;
  readonly problem: string;
  /** The type is one the compiler could not resolve (a missing import or global). */
  readonly unresolved?: true;
  /** The type is `any`, which a failed import also gives. */
  readonly any?: true;
}

/** Lib types that are plain JSON containers. */
const JSON_LIB_TYPES = new Set(["Array", "ReadonlyArray", "Object"]);
/** Bytes: the runtime stores them in its wire form and gives each back as its type (docs/payloads.md). */
const BYTE_TYPES = new Set(["Uint8Array", "Buffer"]);

/**
 * Finds the first part of `type` that a payload cannot carry faithfully: functions,
 * symbols, bigint, `any`, Date (use an ISO-8601 string), other lib classes
 * (Map, Set, ...) and class instances with methods. Uint8Array and Buffer travel as bytes.
 */
export function findJsonProblem(checker: ts.TypeChecker, program: ts.Program, type: ts.Type): JsonProblem | undefined {
  return new JsonChecker(checker, program).check(type, "$", new Set());
}

class JsonChecker {
  readonly #checker: ts.TypeChecker;
  readonly #program: ts.Program;

  constructor(checker: ts.TypeChecker, program: ts.Program) {
    this.#checker = checker;
    this.#program = program;
  }

  check(type: ts.Type, path: string, seen: Set<ts.Type>): JsonProblem | undefined {
    if (seen.has(type)) return undefined;
    const flags = type.flags;
    if (isErrorType(type)) {
      return { path, problem: "is a type the compiler cannot resolve; check its import", unresolved: true };
    }
    if (flags & ts.TypeFlags.Any)
      return { path, problem: "is `any`; give it a concrete type, or `unknown`", any: true };
    if (flags & ts.TypeFlags.BigIntLike) return { path, problem: "is a bigint; send it as a string" };
    if (flags & ts.TypeFlags.ESSymbolLike) return { path, problem: "is a symbol, which JSON drops" };
    if (type.isUnionOrIntersection()) return this.#firstOf(type.types, path, seen);
    if (!(flags & ts.TypeFlags.Object)) return undefined;
    seen.add(type);
    const problem = this.#object(type as ts.ObjectType, path, seen);
    seen.delete(type);
    return problem;
  }

  #firstOf(types: readonly ts.Type[], path: string, seen: Set<ts.Type>): JsonProblem | undefined {
    for (const member of types) {
      const problem = this.check(member, path, seen);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }

  #object(type: ts.ObjectType, path: string, seen: Set<ts.Type>): JsonProblem | undefined {
    const checker = this.#checker;
    if (checker.getSignaturesOfType(type, ts.SignatureKind.Call).length > 0) {
      return { path, problem: "is a function, which JSON drops" };
    }
    if (checker.isArrayType(type) || checker.isTupleType(type)) {
      return this.#firstOf(checker.getTypeArguments(type as ts.TypeReference), `${path}[]`, seen);
    }
    if (this.#isBytes(type)) return undefined;
    const libProblem = this.#libClass(type, path);
    if (libProblem !== undefined) return libProblem;
    for (const info of checker.getIndexInfosOfType(type)) {
      const problem = this.check(info.type, `${path}[key]`, seen);
      if (problem !== undefined) return problem;
    }
    return this.#properties(type, path, seen);
  }

  /** Uint8Array of the default lib, or Node's Buffer (of @types/node). */
  #isBytes(type: ts.ObjectType): boolean {
    const symbol = type.symbol;
    const file = symbol?.declarations?.[0]?.getSourceFile();
    if (symbol === undefined || file === undefined || !BYTE_TYPES.has(symbol.name)) return false;
    return this.#program.isSourceFileDefaultLibrary(file) || /[\\/]@types[\\/]node[\\/]/.test(file.fileName);
  }

  #libClass(type: ts.ObjectType, path: string): JsonProblem | undefined {
    const symbol = type.symbol;
    const declaration = symbol?.declarations?.[0];
    if (symbol === undefined || declaration === undefined) return undefined;
    if (!this.#program.isSourceFileDefaultLibrary(declaration.getSourceFile())) return undefined;
    if (JSON_LIB_TYPES.has(symbol.name) || symbol.name === "__type" || symbol.name === "__object") return undefined;
    if (symbol.name === "Date") {
      return {
        path,
        problem: "is a Date, which JSON turns into a string; use an ISO-8601 string (date.toISOString())",
      };
    }
    return { path, problem: `is a ${symbol.name}, which JSON cannot carry; use a plain object or array` };
  }

  #properties(type: ts.ObjectType, path: string, seen: Set<ts.Type>): JsonProblem | undefined {
    const isClass = (type.symbol?.flags ?? 0) & ts.SymbolFlags.Class;
    for (const property of this.#checker.getPropertiesOfType(type)) {
      const propertyPath = `${path}.${property.name}`;
      if (property.flags & ts.SymbolFlags.Method) {
        const named = type.symbol !== undefined && !["__type", "__object"].includes(type.symbol.name);
        const owner = isClass
          ? `an instance of class ${type.symbol.name}`
          : named
            ? `a ${type.symbol.name}`
            : "an object";
        return { path, problem: `is ${owner} with method ${property.name}(); use a plain data type (an interface)` };
      }
      const problem = this.check(this.#checker.getTypeOfSymbol(property), propertyPath, seen);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
}
