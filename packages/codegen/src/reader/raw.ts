import type { CallExpression, Expression, Node, SourceFile, TypeNode } from "ts-morph";

/** A signal or output as written: syntax only, before types are resolved. */
export interface RawMessage {
  readonly name: string;
  readonly keyNode: Node;
  readonly call: CallExpression;
  readonly description: string;
  readonly typeNode?: TypeNode;
  readonly schema?: Expression;
}

export interface RawWorkflow {
  readonly name: string;
  readonly keyNode: Node;
  readonly call: CallExpression;
  readonly description: string;
  readonly inputTypeNode?: TypeNode;
  readonly outputTypeNode?: TypeNode;
  readonly inputSchema?: Expression;
  readonly outputSchema?: Expression;
  readonly signals: readonly RawMessage[];
  readonly outputs: readonly RawMessage[];
  readonly register: boolean;
}

export interface RawActivity {
  readonly name: string;
  readonly keyNode: Node;
  readonly call: CallExpression;
  readonly description: string;
  readonly fn: Expression;
  readonly retry?: Expression;
  readonly timeout?: Expression;
  readonly register: boolean;
}

export interface RawNamespace {
  readonly sourceFile: SourceFile;
  readonly name: string;
  readonly nameNode: Node;
  readonly call: CallExpression;
  readonly workflows: readonly RawWorkflow[];
  readonly activities: readonly RawActivity[];
  readonly register: boolean;
}
