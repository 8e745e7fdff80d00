import type {
  ActivityConfig,
  ActivityDef,
  ActivityImpl,
  ManifestTagValue,
  NamespaceConfig,
  NamespaceDef,
  OutputDef,
  ParseSchema,
  QueryDef,
  QueueConfig,
  QueueDef,
  RequestConfig,
  ScheduleConfig,
  ScheduleDef,
  SignalDef,
  StreamDef,
  TagDef,
  TriggerConfig,
  TriggerDef,
  UpdateDef,
  WorkflowConfig,
  WorkflowDef,
} from "./types.js";

/**
 * Declares a namespace: the default export of a manifest file, read by `replaygen`.
 *
 * @example
 * export default defineNamespace({
 *   name: "shop",
 *   workflows: { order: workflow<OrderInput, OrderResult>({ description: "Charge and ship." }) },
 *   activities: { chargePayment: activity(chargePayment, { description: "Charge the card." }) },
 * });
 */
export function defineNamespace<const C extends NamespaceConfig>(config: C): NamespaceDef<C> {
  return Object.freeze({
    kind: "namespace",
    name: config.name,
    workflows: config.workflows,
    activities: config.activities,
    queues: config.queues ?? {},
    schedules: config.schedules ?? {},
    register: config.register ?? false,
  });
}

/** Declares a workflow with input `I` and result `O` (or `input`/`output` schemas). */
export function workflow<I, O>(config: WorkflowConfig<I, O>): WorkflowDef<I, O> {
  return Object.freeze({ kind: "workflow", ...config });
}

/** Declares an activity: `fn(ctx, backends, input)` with its description, retry policy and timeout. */
export function activity<B, I, O>(fn: ActivityImpl<B, I, O>, config: ActivityConfig): ActivityDef<B, I, O> {
  return Object.freeze({ kind: "activity", fn, ...config });
}

/**
 * Declares a queue and its limits, which hold across every worker on the database.
 *
 * @example
 * queues: { mail: queue({ concurrency: 10, keyConcurrency: 1, rateLimit: { limit: 100, period: "1m" } }) }
 */
export function queue(config: QueueConfig = {}): QueueDef {
  return Object.freeze({ kind: "queue", ...config });
}

/**
 * Declares a tag of a workflow's runs with its value type (string by default; numbers and
 * booleans too): the generated run helpers take it, typed, in their `tags` option, and so do the
 * workflow's Flow (`setTags`) and its parents' child starts. The description is printed on the tag.
 *
 * @example
 * tags: { customer: tag<string>({ description: "The customer id." }), vip: tag<boolean>() }
 */
export function tag<T extends ManifestTagValue = string>(config: { readonly description?: string } = {}): TagDef<T> {
  return Object.freeze({ kind: "tag", ...config });
}

/**
 * Declares a stream of a run with the type of its values, on a workflow (its code writes it) or
 * an activity (the activity writes it): the generated writers take only that type, and
 * `read<Workflow>Stream` yields it.
 *
 * @example
 * streams: { answer: stream<string>({ description: "The answer, token by token." }) }
 */
export function stream<T>(config: { readonly description?: string } = {}): StreamDef<T> {
  return Object.freeze({ kind: "stream", ...config });
}

/**
 * Declares a schedule: each cron tick starts a run of `workflow` with `input`, run id `<key>@<tick>`.
 *
 * @example
 * schedules: { nightly: schedule({ workflow: "report", cron: "0 3 * * *", timezone: "Europe/Berlin", input: {} }) }
 */
export function schedule(config: ScheduleConfig): ScheduleDef {
  return Object.freeze({ kind: "schedule", ...config });
}

/**
 * Declares an update: callers send `I` and get the handler's `O` back (`update<I, O>()`), or
 * schemas give them (`update({ input: Schema, output: Schema })`).
 *
 * @example
 * updates: { approve: update<ApproveInput, ApproveResult>({ description: "An approver's decision." }) }
 */
export function update<I, O>(config: RequestConfig<I, O> = {}): UpdateDef<I, O> {
  return Object.freeze({ kind: "update", ...config });
}

/**
 * Declares a query: callers send `I` (`void`: nothing) and get `O`, answered from the run's state.
 *
 * @example
 * queries: { progress: query<void, Progress>({ description: "How far the run is." }) }
 */
export function query<I, O>(config: RequestConfig<I, O> = {}): QueryDef<I, O> {
  return Object.freeze({ kind: "query", ...config });
}

/**
 * Declares a workflow's trigger: every event `name` published in the namespace starts a run of
 * the workflow with the event's data as input (`publish<Ns>Event` publishes them, typed by `E`).
 *
 * @example
 * trigger: onEvent<UserSignedUp>("user.signup", { runId: (user) => `welcome-${user.id}`, singleton: "skip" })
 */
export function onEvent<E>(name: string, config: TriggerConfig<E>): TriggerDef<E> {
  return Object.freeze({ kind: "trigger", event: name, ...config });
}

interface MessageConfig<T> {
  readonly description: string;
  readonly schema?: ParseSchema<T>;
}

/** Declares a signal: `signal<T>({ description })` or `signal(Schema, { description })`. */
export function signal<T>(config: MessageConfig<T>): SignalDef<T>;
export function signal<T>(schema: ParseSchema<T>, config: { readonly description: string }): SignalDef<T>;
export function signal<T>(
  first: MessageConfig<T> | ParseSchema<T>,
  second?: { readonly description: string },
): SignalDef<T> {
  return Object.freeze({ kind: "signal", ...messageConfig(first, second) });
}

/** Declares an output: `output<T>({ description })` or `output(Schema, { description })`. */
export function output<T>(config: MessageConfig<T>): OutputDef<T>;
export function output<T>(schema: ParseSchema<T>, config: { readonly description: string }): OutputDef<T>;
export function output<T>(
  first: MessageConfig<T> | ParseSchema<T>,
  second?: { readonly description: string },
): OutputDef<T> {
  return Object.freeze({ kind: "output", ...messageConfig(first, second) });
}

function messageConfig<T>(
  first: MessageConfig<T> | ParseSchema<T>,
  second: { readonly description: string } | undefined,
): MessageConfig<T> {
  if (second === undefined) return first as MessageConfig<T>;
  return { description: second.description, schema: first as ParseSchema<T> };
}
