// The strings of a Duration that start with each unit, as the runtime's duration.ts writes them out.
type FromMs = `${number}ms`;
type FromS = `${number}s` | `${number}s${FromMs}`;
type FromM = `${number}m` | `${number}m${FromS | FromMs}`;
type FromH = `${number}h` | `${number}h${FromM | FromS | FromMs}`;
type FromD = `${number}d` | `${number}d${FromH | FromM | FromS | FromMs}`;

/**
 * A span of time, as the runtime's Duration: milliseconds, or a string of one or more parts,
 * largest unit first, such as "250ms", "1.5s", "2m", "3h", "1d", "2h30m" or "1d12h".
 */
export type Duration = number | FromD | FromH | FromM | FromS | FromMs;

/** Anything with a zod-like `parse`: the generated helpers call it before writing. */
export interface ParseSchema<T> {
  parse(data: unknown): T;
}

/** Retry policy of an activity, as in the runtime's ActivityOptions. Literal values only. */
export interface ManifestRetryPolicy {
  readonly initialInterval?: Duration;
  readonly backoffCoefficient?: number;
  readonly maxInterval?: Duration;
  readonly maxAttempts?: number;
}

/** A signal a workflow awaits. `T` is the message type. */
export interface SignalDef<T> {
  readonly kind: "signal";
  readonly description: string;
  readonly schema?: ParseSchema<T>;
}

/** An output a workflow emits for observers. `T` is the message type. */
export interface OutputDef<T> {
  readonly kind: "output";
  readonly description: string;
  readonly schema?: ParseSchema<T>;
}

/**
 * An update a workflow handles: the caller sends `I`, the handler answers `O` (or the `input` and
 * `output` schemas give them: `z.input` is what the caller passes, `z.output` what the handler gets).
 */
export interface UpdateDef<I, O> {
  readonly kind: "update";
  readonly description?: string;
  readonly input?: ParseSchema<I>;
  readonly output?: ParseSchema<O>;
  /** Carries the input and result types for the reader; always undefined at run time. */
  readonly types?: { readonly input: I; readonly output: O };
}

/** A query a workflow answers from its state: the caller sends `I` (`void`: nothing) and gets `O`. */
export interface QueryDef<I, O> {
  readonly kind: "query";
  readonly description?: string;
  readonly input?: ParseSchema<I>;
  readonly output?: ParseSchema<O>;
  /** Carries the input and result types for the reader; always undefined at run time. */
  readonly types?: { readonly input: I; readonly output: O };
}

/** The options of `update()` and `query()`: all optional. */
export interface RequestConfig<I, O> {
  readonly description?: string;
  /** Validates the input in the generated client helpers; also gives its type when no type argument is given. */
  readonly input?: ParseSchema<I>;
  /** Validates the answer in the generated client helpers; also gives its type when no type argument is given. */
  readonly output?: ParseSchema<O>;
}

/** What a tag's value may be: the runtime's TagValue. */
export type ManifestTagValue = string | number | boolean;

/** A tag runs of a workflow carry (`tag<string>()`): its type types the run helpers' `tags`. */
export interface TagDef<T extends ManifestTagValue> {
  readonly kind: "tag";
  readonly description?: string;
  /** Carries the value type for the reader; always undefined at run time. */
  readonly types?: { readonly value: T };
}

/**
 * A stream of a run with the type of its chunks' values (`stream<string>()`): the generated
 * writers (the Flow's and an activity's `<Activity>Context`) take only that type, and the read
 * helper yields it.
 */
export interface StreamDef<T> {
  readonly kind: "stream";
  readonly description?: string;
  /** Carries the value type for the reader; always undefined at run time. */
  readonly types?: { readonly value: T };
}

export interface WorkflowConfig<I, O> {
  readonly description: string;
  readonly signals?: Readonly<Record<string, SignalDef<unknown>>>;
  /** Updates callers send and the workflow answers (`update<Input, Result>()`): the Flow gets `on<Update>`. */
  readonly updates?: Readonly<Record<string, UpdateDef<unknown, unknown>>>;
  /** Queries callers ask and the workflow answers from its state: the Flow gets `on<Query>`. */
  readonly queries?: Readonly<Record<string, QueryDef<unknown, unknown>>>;
  readonly outputs?: Readonly<Record<string, OutputDef<unknown>>>;
  /** Validates run input in the generated `run` helper; also gives the input type when no type argument is given. */
  readonly input?: ParseSchema<I>;
  /** Gives the result type when no type argument is given. */
  readonly output?: ParseSchema<O>;
  /** Generate a per-item `register<Workflow>` function for this workflow. */
  readonly register?: boolean;
  /**
   * The workflows (of this namespace) this one starts as child runs: its Flow gets
   * `run<Child>`, `start<Child>` and `signal<Child><Signal>` for each.
   */
  readonly children?: readonly string[];
  /** The queue (a key of the namespace's `queues`) its runs go through unless a start names another. */
  readonly queue?: string;
  /** Each published event of this name starts a run, its input the event's data: `onEvent<I>("user.signup", { runId })`. */
  readonly trigger?: TriggerDef<I>;
  /**
   * Field names whose values are secret in its payloads (at any depth), e.g. `["cardNumber"]`:
   * encrypted on their own and hidden by the inspector and the CLI. The runtime's option is
   * the client's `secretFields`: the generated file exports the namespace's as
   * `<NAMESPACE>_SECRET_FIELDS`, and its run helpers and worker starter refuse a client that
   * does not mark them (docs/payloads.md).
   */
  readonly secret?: readonly string[];
  /**
   * The tags its runs are started with, typed (`{ customer: tag<string>() }`): the run helpers'
   * `tags` option takes these keys only, each optional, with its type. Without it, any tags.
   */
  readonly tags?: Readonly<Record<string, TagDef<ManifestTagValue>>>;
  /**
   * The run streams its workflow code writes, typed (`{ progress: stream<Progress>() }`): the
   * Flow's `writeStream` and `closeStream` take these keys only, and `read<Workflow>Stream`
   * reads them (docs/streaming.md, "Typed streams").
   */
  readonly streams?: Readonly<Record<string, StreamDef<unknown>>>;
}

export interface WorkflowDef<I, O> extends WorkflowConfig<I, O> {
  readonly kind: "workflow";
  /** Carries the input and result types for the reader; always undefined at run time. */
  readonly types?: { readonly input: I; readonly output: O };
}

/**
 * An activity function. `ctx` is the runtime's ActivityContext; it is left open here so the
 * manifest API does not depend on the runtime package (replaygen checks it when it reads the manifest).
 */
export type ActivityImpl<B, I, O> = (ctx: never, backends: B, input: I) => Promise<O>;

export interface ActivityConfig {
  readonly description: string;
  readonly retry?: ManifestRetryPolicy;
  /** Each attempt is aborted and counted as failed after this long. */
  readonly timeout?: Duration;
  /** An attempt that calls no `ctx.heartbeat()` for this long is aborted and retried. */
  readonly heartbeatTimeout?: Duration;
  /** All attempts together: past it the activity fails for good with ActivityTimeoutError. */
  readonly scheduleToCloseTimeout?: Duration;
  /**
   * An activity queue (a key of the namespace's `queues`): its attempts go through that queue's
   * limits, held across all workers (docs/queues-and-schedules.md, "Activity queues").
   */
  readonly queue?: string;
  /** Generate a per-item `register<Activity>` function for this activity. */
  readonly register?: boolean;
  /**
   * Field names whose values are secret in its payloads (at any depth), e.g. `["cardNumber"]`:
   * encrypted on their own and hidden by the inspector and the CLI. The runtime's option is
   * the client's `secretFields`: the generated file exports the namespace's as
   * `<NAMESPACE>_SECRET_FIELDS`, and its run helpers and worker starter refuse a client that
   * does not mark them (docs/payloads.md).
   */
  readonly secret?: readonly string[];
  /**
   * The run streams it writes, typed (`{ answer: stream<string>() }`): declare its context as the
   * generated `<Activity>Context` and its `writeStream` and `closeStream` take these keys only;
   * every workflow's `read<Workflow>Stream` reads them (docs/streaming.md, "Typed streams").
   */
  readonly streams?: Readonly<Record<string, StreamDef<unknown>>>;
}

export interface ActivityDef<B, I, O> extends ActivityConfig {
  readonly kind: "activity";
  readonly fn: ActivityImpl<B, I, O>;
}

/** The limits of a queue, held across every worker on the database. Literal values only. */
export interface QueueConfig {
  readonly description?: string;
  /** Runs of the queue in progress at once (held by a worker: a step or activities running). */
  readonly concurrency?: number;
  /** Runs in progress at once per concurrency key (a start's `concurrencyKey`, e.g. a customer id). */
  readonly keyConcurrency?: number;
  /** At most `limit` starts per sliding `period`. */
  readonly rateLimit?: { readonly limit: number; readonly period: Duration };
}

export interface QueueDef extends QueueConfig {
  readonly kind: "queue";
}

/** A schedule the workers keep in the database; its id is its key in `schedules`. Literal values only. */
export interface ScheduleConfig {
  readonly description?: string;
  /** The workflow each tick starts (a key of the namespace's `workflows`). */
  readonly workflow: string;
  /** 5 fields ("min hour day month weekday"), or 6 with seconds first. */
  readonly cron: string;
  /** An IANA time zone for the cron fields, e.g. "Europe/Berlin"; default UTC. */
  readonly timezone?: string;
  /** The input of every run: a JSON literal, checked against the workflow's input type. */
  readonly input: unknown;
  /** While the previous run is in progress, "skip" (default) starts no run; "allow" starts it anyway. */
  readonly overlap?: "skip" | "allow";
  /** Ticks missed while no worker ran: "none", "latest" (default) or "all". */
  readonly catchup?: "none" | "latest" | "all";
}

export interface ScheduleDef extends ScheduleConfig {
  readonly kind: "schedule";
}

export interface NamespaceConfig {
  /** Stored in the database: renaming it is a breaking change. */
  readonly name: string;
  readonly workflows: Readonly<Record<string, WorkflowDef<unknown, unknown>>>;
  readonly activities: Readonly<Record<string, ActivityDef<never, never, unknown>>>;
  /** Queues with their limits; a workflow names its default one with `queue`. */
  readonly queues?: Readonly<Record<string, QueueDef>>;
  /** Schedules that `startReplayLoops` creates, or updates when they changed. */
  readonly schedules?: Readonly<Record<string, ScheduleDef>>;
  /** Generate register functions for every workflow and activity. */
  readonly register?: boolean;
}

export interface NamespaceDef<C extends NamespaceConfig = NamespaceConfig> {
  readonly kind: "namespace";
  readonly name: C["name"];
  readonly workflows: C["workflows"];
  readonly activities: C["activities"];
  readonly queues: Readonly<Record<string, QueueDef>>;
  readonly schedules: Readonly<Record<string, ScheduleDef>>;
  readonly register: boolean;
}

/** A published event as a trigger's `runId` sees it besides its data (the runtime's TriggerEvent). */
export interface TriggerEventInfo {
  readonly eventId: string;
  readonly name: string;
  /** The key it was published with, if any. */
  readonly key: string | undefined;
  readonly publishedAt: Date;
}

/** The options of `onEvent`. `debounce` and `singleton` are literals; `runId` is any function. */
export interface TriggerConfig<E> {
  /**
   * The run id for an event: made from its data, so the same event published twice, or
   * dispatched by two workers, starts one run. Called by the workers (the generated file
   * imports the manifest for it), so it must not depend on anything but its arguments.
   */
  runId(data: E, event: TriggerEventInfo): string;
  /**
   * A burst of events with one key starts one run, with the last event's data, `period` after
   * the last event and no later than `maxDelay` after the first.
   */
  readonly debounce?: { readonly period: Duration; readonly maxDelay?: Duration };
  /** While the run an event of a key started runs, a new event of the key starts none ("skip") or replaces it ("replace"). */
  readonly singleton?: "skip" | "replace";
}

/** A workflow's trigger: runs started by published events named `event`, whose data is `E`. */
export interface TriggerDef<E> extends TriggerConfig<E> {
  readonly kind: "trigger";
  readonly event: string;
}
