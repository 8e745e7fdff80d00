/**
 * What the templates print: the generated file as plain data. Names are the manifest's stored
 * names (the name helpers turn them into identifiers), types are printed, and every choice (what
 * is declared, what is validated, which queue a start uses) is already made here: the templates
 * only print fields, test flags and loop over lists.
 *
 * Optional fields are present and `undefined` (the templates run in strict mode, which refuses a
 * missing field); a template tests them with `{{#if}}`.
 */
import type { JsonLiteral } from "../model/model.js";

export interface FileView {
  /** `replay.ts`: the manifest's file name. */
  readonly manifestName: string;
  /** The manifest's path as the regenerate command names it. */
  readonly manifestPath: string;
  readonly manifestSha256: string;
  /** `npx replaygen <manifestPath>`. */
  readonly command: string;
  readonly namespace: string;
  readonly imports: readonly ImportView[];
  readonly workflows: readonly WorkflowView[];
  readonly activities: readonly ActivityView[];
  readonly queues: readonly QueueView[];
  readonly schedules: readonly ScheduleView[];
  /** The workflows' event triggers, and the events they take (one entry per event name). */
  readonly triggers: readonly TriggerView[];
  readonly events: readonly EventView[];
  /** `<manifest>.workflows`, where the triggers' runId functions are read at run time; undefined without triggers. */
  readonly manifestWorkflows: string | undefined;
  /** The backends type every activity takes; undefined without activities. */
  readonly backends: string | undefined;
  /** Every secret field of the namespace, sorted: `<NS>_SECRET_FIELDS`, which the client must mark. */
  readonly secretFields: readonly string[];
  readonly uses: Uses;
  /** Export `startReplayLoops` as an alias of `start<Ns>Loops` (false when that is its own name). */
  readonly aliasStartLoops: boolean;
}

/** What the namespace uses, which decides the optional declarations and helpers. */
export interface Uses {
  readonly outputs: boolean;
  readonly schemas: boolean;
  readonly register: boolean;
  readonly children: boolean;
  readonly queues: boolean;
  readonly schedules: boolean;
  readonly triggers: boolean;
  /** An event whose data a schema parses before it is published. */
  readonly eventSchemas: boolean;
  /** A workflow or an activity marks fields secret: the helpers check the client marks them too. */
  readonly secrets: boolean;
  /** A workflow takes signals: the signal helpers take WriteOptions. */
  readonly signals: boolean;
  readonly updates: boolean;
  readonly queries: boolean;
  /** Some workflow's runs carry typed streams: the read helpers take ReadStreamOptions and yield TypedStreamChunk. */
  readonly streams: boolean;
  /** An activity declares streams: its context type is a TypedActivityContext. */
  readonly activityStreams: boolean;
}

/** One import statement. */
export interface ImportView {
  readonly from: string;
  readonly typeOnly: boolean;
  /** Sorted as biome's organizeImports keeps them; `Name as Local` where renamed. */
  readonly names: readonly string[];
}

export interface WorkflowView {
  readonly name: string;
  readonly description: string;
  /** The input the workflow function receives. */
  readonly input: string;
  /** The input callers pass (run helper, `restart`, schedules). */
  readonly inputToWrite: string;
  /** The result callers get. */
  readonly output: string;
  /** The result the workflow function returns. */
  readonly outputToWrite: string;
  /** The local name of the input schema, when one validates the input. */
  readonly inputSchema: string | undefined;
  readonly outputSchema: string | undefined;
  /** Its default queue. */
  readonly queue: string | undefined;
  /** Its typed tags, sorted; empty when it declares none (its runs then take any tags). */
  readonly tags: readonly TagView[];
  /** What the Flow's `setTags` takes: its typed tags, or the runtime's open Tags when it declares none. */
  readonly tagsParam: string;
  /** The type of the start helpers' `opts`: the namespace's run options, with `tags` typed when it declares tags. */
  readonly startOptions: string;
  readonly signals: readonly MessageView[];
  readonly updates: readonly RequestView[];
  readonly queries: readonly RequestView[];
  readonly outputs: readonly MessageView[];
  /** The workflows it starts as child runs, in the order of its `children`. */
  readonly children: readonly ChildView[];
  /** The streams its code writes, sorted: the Flow's writeStream and closeStream take their keys. */
  readonly streams: readonly StreamView[];
  /** Their keys as a type, `"a" | "b"`; undefined without streams. */
  readonly streamKeys: string | undefined;
  /** Every stream its runs may carry (its own and the activities'), sorted: `<Workflow>Streams` and the read helper. */
  readonly runStreams: readonly StreamView[];
  /** It has a register function. */
  readonly register: boolean;
}

/** A child workflow, as its parent's Flow starts and signals it. */
export interface ChildView {
  readonly name: string;
  readonly description: string;
  readonly inputToWrite: string;
  readonly output: string;
  readonly inputSchema: string | undefined;
  readonly outputSchema: string | undefined;
  readonly queue: string | undefined;
  /** The type of the child start methods' `opts`: the namespace's child options, with `tags` typed when the child declares tags. */
  readonly options: string;
  readonly signals: readonly MessageView[];
}

/** A typed stream of a run, declared by a workflow or an activity. */
export interface StreamView {
  /** Its key. */
  readonly name: string;
  readonly description: string | undefined;
  /** Who declares it, `workflow "answer"`. */
  readonly owner: string;
  /** The type of its values. */
  readonly type: string;
}

/** A typed tag of a workflow's runs. */
export interface TagView {
  readonly name: string;
  readonly description: string | undefined;
  /** Its value type, e.g. `string` or `"free" | "pro"`. */
  readonly type: string;
}

/** A signal or output of a workflow. */
export interface MessageView {
  readonly name: string;
  readonly description: string;
  /** The workflow it belongs to. */
  readonly workflow: string;
  /** The message as readers get it. */
  readonly type: string;
  /** The message as writers pass it. */
  readonly typeToWrite: string;
  readonly schema: string | undefined;
}

/** An update or a query of a workflow. */
export interface RequestView {
  readonly kind: "update" | "query";
  readonly name: string;
  readonly description: string | undefined;
  /** The workflow it belongs to. */
  readonly workflow: string;
  /** The input the handler gets; undefined when it takes none (the helpers then send null). */
  readonly input: string | undefined;
  /** The input callers pass. */
  readonly inputToWrite: string | undefined;
  /** The answer callers get. */
  readonly output: string;
  /** The answer the handler returns. */
  readonly outputToWrite: string;
  readonly inputSchema: string | undefined;
  readonly outputSchema: string | undefined;
}

export interface ActivityView {
  readonly name: string;
  readonly description: string;
  /** The local name of the activity function. */
  readonly fn: string;
  /** Undefined when the function declares no input: its Flow method takes none. */
  readonly input: string | undefined;
  readonly output: string;
  /** The manifest's options (`retry`, `timeout`, ...), keys sorted at every level. */
  readonly options: readonly FieldView[];
  /** It has a register function. */
  readonly register: boolean;
  /** The streams it writes, sorted: its `<Activity>Context` types writeStream and closeStream by them. */
  readonly streams: readonly StreamView[];
}

/** An object entry: a key and a JSON value. */
export interface FieldView {
  readonly name: string;
  readonly value: JsonLiteral;
}

export interface QueueView {
  readonly name: string;
  readonly description: string | undefined;
  /** Its limits, keys sorted. */
  readonly limits: JsonLiteral;
}

export interface ScheduleView {
  readonly name: string;
  readonly description: string | undefined;
  readonly workflow: string;
  readonly cron: string;
  readonly timezone: string | undefined;
  readonly overlap: string | undefined;
  readonly catchup: string | undefined;
  readonly input: JsonLiteral;
  /** The workflow's input type, which the input `satisfies`. */
  readonly inputType: string;
  /** The workflow's input schema, which parses the input as the module loads. */
  readonly inputSchema: string | undefined;
}

/** A workflow's trigger, as the worker takes it. */
export interface TriggerView {
  readonly workflow: string;
  readonly event: string;
  /** The event's data, as the runId function takes it. */
  readonly type: string;
  /** `{ period, maxDelay? }`, keys sorted. */
  readonly debounce: JsonLiteral | undefined;
  readonly singleton: string | undefined;
}

/** An event name that triggers runs, with its data as the publish helper takes it. */
export interface EventView {
  readonly name: string;
  readonly type: string;
  /** The local name of the schema that parses it before it is published. */
  readonly schema: string | undefined;
  /** The workflows it starts. */
  readonly workflows: readonly string[];
}
