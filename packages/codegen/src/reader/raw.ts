import type { CallExpression, Expression, Node, SourceFile, TypeNode } from "ts-morph";

/** A name written as a string literal (a child, a queue, a schedule's workflow), with where. */
export interface RawName {
  readonly name: string;
  readonly node: Node;
}

/** A signal or output as written: syntax only, before types are resolved. */
export interface RawMessage {
  readonly name: string;
  readonly keyNode: Node;
  readonly call: CallExpression;
  readonly description: string;
  readonly typeNode?: TypeNode;
  readonly schema?: Expression;
}

/** An update or query as written: syntax only, before types are resolved. */
export interface RawRequest {
  readonly kind: "update" | "query";
  readonly name: string;
  readonly keyNode: Node;
  readonly call: CallExpression;
  readonly description?: string;
  readonly inputTypeNode?: TypeNode;
  readonly outputTypeNode?: TypeNode;
  readonly inputSchema?: Expression;
  readonly outputSchema?: Expression;
}

/** A typed declaration as written: `key: tag<Type>({ description? })` or `key: stream<Type>({ description? })`. */
export interface RawTypedEntry {
  readonly name: string;
  readonly keyNode: Node;
  readonly call: CallExpression;
  /** Its description, when the manifest gives one. */
  readonly description?: string;
  readonly typeNode?: TypeNode;
}

/** A tag of a workflow as written: `key: tag<Type>({ description? })`. */
export type RawTag = RawTypedEntry;

/** A run stream as written, on a workflow or an activity: `key: stream<Type>({ description? })`. */
export type RawStream = RawTypedEntry;

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
  readonly updates: readonly RawRequest[];
  readonly queries: readonly RawRequest[];
  readonly outputs: readonly RawMessage[];
  readonly register: boolean;
  readonly children: readonly RawName[];
  readonly queue?: RawName;
  readonly trigger?: RawTrigger;
  /** The field names of `secret: [...]`. */
  readonly secret: readonly RawName[];
  readonly tags: readonly RawTag[];
  readonly streams: readonly RawStream[];
}

export interface RawActivity {
  readonly name: string;
  readonly keyNode: Node;
  readonly call: CallExpression;
  readonly description: string;
  readonly fn: Expression;
  readonly retry?: Expression;
  /** `timeout`, `heartbeatTimeout`, `scheduleToCloseTimeout`, as written. */
  readonly durations: { readonly [key: string]: Expression | undefined };
  readonly register: boolean;
  /** The field names of `secret: [...]`. */
  readonly secret: readonly RawName[];
  /** Its activity queue, one of the namespace's queues. */
  readonly queue?: RawName;
  readonly streams: readonly RawStream[];
}

export interface RawQueue {
  readonly name: string;
  readonly keyNode: Node;
  readonly call: CallExpression;
  readonly description?: string;
  /** The options object, `{ concurrency, keyConcurrency, rateLimit }`. */
  readonly options?: Node;
}

/** A string option of a schedule as written. */
export interface RawText {
  readonly value: string;
  readonly node: Node;
}

export interface RawSchedule {
  readonly name: string;
  readonly keyNode: Node;
  readonly call: CallExpression;
  readonly description?: string;
  readonly workflow?: RawName;
  readonly cron?: RawText;
  readonly timezone?: RawText;
  readonly overlap?: RawText;
  readonly catchup?: RawText;
  readonly input?: Expression;
}

/** `trigger: onEvent<E>("name", { runId, debounce?, singleton? })` as written. */
export interface RawTrigger {
  readonly call: CallExpression;
  readonly event: RawText;
  readonly typeNode?: TypeNode;
  /** Checked when the model is built: `{ period, maxDelay? }`. */
  readonly debounce?: Node;
  readonly singleton?: RawText;
}

export interface RawNamespace {
  readonly sourceFile: SourceFile;
  readonly name: string;
  readonly nameNode: Node;
  readonly call: CallExpression;
  readonly workflows: readonly RawWorkflow[];
  readonly activities: readonly RawActivity[];
  readonly queues: readonly RawQueue[];
  readonly schedules: readonly RawSchedule[];
  readonly register: boolean;
}
