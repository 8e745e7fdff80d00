import { createRequire } from "node:module";
import type * as TsMorph from "ts-morph";

/**
 * ts-morph (and the TypeScript it bundles), loaded with `require`. An ESM `import` of this
 * CommonJS package first makes Node scan megabytes of its JavaScript for export names
 * (cjs-module-lexer), which cost about 120 ms of every cold start. Import the values from here;
 * the types are ts-morph's own (the namespace below lists the compiler types the reader uses).
 */
const tsMorph = createRequire(import.meta.url)("ts-morph") as typeof TsMorph;

export const Node: typeof TsMorph.Node = tsMorph.Node;
export type Node = TsMorph.Node;
export const Project: typeof TsMorph.Project = tsMorph.Project;
export type Project = TsMorph.Project;
export const SyntaxKind: typeof TsMorph.SyntaxKind = tsMorph.SyntaxKind;
export type SyntaxKind = TsMorph.SyntaxKind;
export const ts: typeof TsMorph.ts = tsMorph.ts;
export declare namespace ts {
  type CompilerOptions = TsMorph.ts.CompilerOptions;
  type EntityName = TsMorph.ts.EntityName;
  type Identifier = TsMorph.ts.Identifier;
  type ImportDeclaration = TsMorph.ts.ImportDeclaration;
  type Node = TsMorph.ts.Node;
  type ObjectType = TsMorph.ts.ObjectType;
  type Program = TsMorph.ts.Program;
  type SourceFile = TsMorph.ts.SourceFile;
  type Symbol = TsMorph.ts.Symbol;
  type TupleType = TsMorph.ts.TupleType;
  type Type = TsMorph.ts.Type;
  type TypeChecker = TsMorph.ts.TypeChecker;
  type TypeNode = TsMorph.ts.TypeNode;
  type TypeReference = TsMorph.ts.TypeReference;
}
