/**
 * The plain model the reader produces and the renderer consumes: no ts-morph
 * objects, only names, printed types and the imports they need.
 */

/** One name imported by the generated file. */
export interface ImportRef {
  /** Module specifier as written in the generated file ("./types.js", "zod"). */
  readonly from: string;
  /** Exported name in that module. */
  readonly name: string;
  /** Name in the generated file (differs from `name` only on a collision). */
  readonly local: string;
  /** Only used in type positions. */
  readonly typeOnly: boolean;
}

/** A type as printed in the generated file (imported names already use their local names). */
export interface TypeRef {
  readonly text: string;
}

/** A value (schema, activity function) the generated file imports. */
export interface ValueRef {
  /** Local name in the generated file. */
  readonly local: string;
}

/** Where something was declared in the manifest, for errors after reading. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly sourceLine: string;
}

export interface MessageModel {
  /** Stored name (the manifest key). */
  readonly name: string;
  readonly description: string;
  /** The message as readers get it (the Flow's await, the stream helpers): after the schema parsed it. */
  readonly type: TypeRef;
  /** The message as writers pass it (the signal helper, the Flow's emit): what the schema parses; `type` without one. */
  readonly typeToWrite: TypeRef;
  readonly schema?: ValueRef;
  readonly location: SourceLocation;
}

/** An update or a query of a workflow. */
export interface RequestModel {
  /** Stored name (the manifest key). */
  readonly name: string;
  readonly description?: string;
  /** The input the handler gets (after the input schema parsed it); undefined when it takes none (`void`). */
  readonly input?: TypeRef;
  /** The input callers pass: what the input schema parses; `input` without one. */
  readonly inputToWrite?: TypeRef;
  /** The answer callers get: after the output schema parsed it. */
  readonly output: TypeRef;
  /** The answer the handler returns: what the output schema parses; `output` without one. */
  readonly outputToWrite: TypeRef;
  readonly inputSchema?: ValueRef;
  readonly outputSchema?: ValueRef;
  readonly location: SourceLocation;
}

/** A tag of a workflow's runs, typed. */
export interface TagModel {
  /** The tag's key. */
  readonly name: string;
  /** What it holds (`tag({ description })`); undefined when the manifest gives none. */
  readonly description: string | undefined;
  /** Its value type: string, number, boolean, or literals and unions of them. */
  readonly type: TypeRef;
  readonly location: SourceLocation;
}

/** A run stream a workflow or an activity declares, typed. */
export interface StreamModel {
  /** The stream's key. */
  readonly name: string;
  readonly description?: string;
  /** The type of its chunks' values. */
  readonly type: TypeRef;
  /** Who declares it: `workflow "answer"` or `activity "streamAnswer"`, for messages. */
  readonly owner: string;
  readonly location: SourceLocation;
}

export interface WorkflowModel {
  readonly name: string;
  readonly description: string;
  /** The input the workflow function receives: after the input schema parsed it. */
  readonly input: TypeRef;
  /** The input callers pass to the run helper and to `restart`: what the input schema parses; `input` without one. */
  readonly inputToWrite: TypeRef;
  /** The result the await-result helper gives: after the output schema parsed it. */
  readonly output: TypeRef;
  /** The result the workflow function returns: what the output schema parses; `output` without one. */
  readonly outputToWrite: TypeRef;
  readonly inputSchema?: ValueRef;
  readonly outputSchema?: ValueRef;
  readonly signals: readonly MessageModel[];
  readonly updates: readonly RequestModel[];
  readonly queries: readonly RequestModel[];
  readonly outputs: readonly MessageModel[];
  readonly register: boolean;
  /** The workflows it starts as child runs, sorted; each is one of the namespace's workflows. */
  readonly children: readonly string[];
  /** Its default queue, one of the namespace's queues. */
  readonly queue?: string;
  /** Field names of `secret: [...]`, sorted, without repeats. */
  readonly secret: readonly string[];
  /** Its typed tags (`tags: { customer: tag<string>() }`), sorted; empty: its runs take any tags. */
  readonly tags: readonly TagModel[];
  /** The published events that start its runs. */
  readonly trigger?: TriggerModel;
  /** The streams its code writes (`streams: { progress: stream<Progress>() }`), sorted. */
  readonly streams: readonly StreamModel[];
  /**
   * Every stream its runs may carry, sorted, one per key: its own and every activity's (any
   * activity of the namespace may run in its runs). The read helper takes these keys.
   */
  readonly runStreams: readonly StreamModel[];
  readonly location: SourceLocation;
}

/** A workflow's `onEvent` trigger. Its runId function is read from the manifest at run time. */
export interface TriggerModel {
  readonly event: string;
  /** The event's data as publishers pass it: onEvent's type argument, else the workflow's input to write. */
  readonly type: TypeRef;
  /** The event's data as the trigger's runId gets it: after the input schema parsed it; `type` without one. */
  readonly typeToRead: TypeRef;
  /** The workflow's input schema, which the publish helper parses the data with. */
  readonly schema?: ValueRef;
  /** `{ period, maxDelay? }` as written, checked. */
  readonly debounce?: { readonly [key: string]: LiteralValue };
  readonly singleton?: string;
  /** Where its event name was written. */
  readonly location: SourceLocation;
}

/** A literal option value, printed as JSON-ish TS source. */
export type LiteralValue = string | number | boolean | { readonly [key: string]: LiteralValue };

/** A JSON value written as a literal in the manifest (a schedule's input). */
export type JsonLiteral =
  | string
  | number
  | boolean
  | null
  | readonly JsonLiteral[]
  | { readonly [key: string]: JsonLiteral };

export interface QueueModel {
  readonly name: string;
  readonly description?: string;
  /** `concurrency`, `keyConcurrency` and `rateLimit` as written, checked. */
  readonly limits: { readonly [key: string]: LiteralValue };
  readonly location: SourceLocation;
}

export interface ScheduleModel {
  /** The schedule id: its key in the manifest. */
  readonly name: string;
  readonly description?: string;
  readonly workflow: string;
  readonly cron: string;
  readonly timezone?: string;
  readonly overlap?: string;
  readonly catchup?: string;
  readonly input: JsonLiteral;
  readonly location: SourceLocation;
}

export interface ActivityModel {
  readonly name: string;
  readonly description: string;
  readonly fn: ValueRef;
  /** Undefined when the activity function declares no input parameter: its Flow method takes none. */
  readonly input?: TypeRef;
  readonly output: TypeRef;
  /** `retry`, `timeout`, `heartbeatTimeout`, `scheduleToCloseTimeout` and `queue` as written in the manifest. */
  readonly options: { readonly [key: string]: LiteralValue };
  readonly register: boolean;
  /** Field names of `secret: [...]`, sorted, without repeats. */
  readonly secret: readonly string[];
  /** The streams it writes (`streams: { answer: stream<string>() }`), sorted. */
  readonly streams: readonly StreamModel[];
  readonly location: SourceLocation;
}

export interface NamespaceModel {
  readonly name: string;
  /** Absolute path of the manifest. */
  readonly manifestPath: string;
  readonly workflows: readonly WorkflowModel[];
  readonly activities: readonly ActivityModel[];
  readonly queues: readonly QueueModel[];
  readonly schedules: readonly ScheduleModel[];
  /** Every secret field of its workflows and activities, sorted: the client's secretFields must hold them. */
  readonly secretFields: readonly string[];
  /** The backends type every activity takes; `undefined` when there is no activity. */
  readonly backends?: TypeRef;
  /** The manifest's default export, imported when a trigger's runId is needed at run time. */
  readonly manifest?: ValueRef;
  /** Every import of the generated file except the runtime's. */
  readonly imports: readonly ImportRef[];
}
