import { camelCase, constantCase, pascalCase } from "./names.js";

/** Every identifier the generated file declares, derived from stored names in one place. */
export const ids = {
  namespaceConst: (ns: string) => `${constantCase(ns)}_NAMESPACE`,
  workflowConst: (wf: string) => `${constantCase(wf)}_WORKFLOW`,
  signalConst: (wf: string, s: string) => `${constantCase(wf)}_${constantCase(s)}_SIGNAL`,
  updateConst: (wf: string, u: string) => `${constantCase(wf)}_${constantCase(u)}_UPDATE`,
  queryConst: (wf: string, q: string) => `${constantCase(wf)}_${constantCase(q)}_QUERY`,
  outputConst: (wf: string, o: string) => `${constantCase(wf)}_${constantCase(o)}_OUTPUT`,
  activityConst: (a: string) => `${constantCase(a)}_ACTIVITY`,
  queueConst: (q: string) => `${constantCase(q)}_QUEUE`,
  scheduleConst: (s: string) => `${constantCase(s)}_SCHEDULE`,
  queuesConst: (ns: string) => `${constantCase(ns)}_QUEUES`,
  schedulesConst: (ns: string) => `${constantCase(ns)}_SCHEDULES`,
  triggersConst: (ns: string) => `${constantCase(ns)}_TRIGGERS`,
  eventsType: (ns: string) => `${pascalCase(ns)}Events`,
  publishEvent: (ns: string) => `publish${pascalCase(ns)}Event`,
  secretFieldsConst: (ns: string) => `${constantCase(ns)}_SECRET_FIELDS`,
  flow: (wf: string) => `${pascalCase(wf)}Flow`,
  workflowType: (wf: string) => `${pascalCase(wf)}Workflow`,
  /** The typed tags of a workflow's runs (only for a workflow that declares `tags`). */
  tagsType: (wf: string) => `${pascalCase(wf)}Tags`,
  /** The streams a workflow's runs may carry, key -> value type (only for a workflow with streams). */
  streamsType: (wf: string) => `${pascalCase(wf)}Streams`,
  /** The typed read helper of a workflow's streams. */
  readStream: (wf: string) => `read${pascalCase(wf)}Stream`,
  /** The typed context of an activity that declares streams. */
  activityContext: (a: string) => `${pascalCase(a)}Context`,
  run: (wf: string) => `run${pascalCase(wf)}`,
  awaitResult: (wf: string) => `await${pascalCase(wf)}Result`,
  signal: (wf: string, s: string) => `signal${pascalCase(wf)}${pascalCase(s)}`,
  signalWithStart: (wf: string, s: string) => `signalWithStart${pascalCase(wf)}${pascalCase(s)}`,
  update: (wf: string, u: string) => `update${pascalCase(wf)}${pascalCase(u)}`,
  startUpdate: (wf: string, u: string) => `startUpdate${pascalCase(wf)}${pascalCase(u)}`,
  updateWithStart: (wf: string, u: string) => `updateWithStart${pascalCase(wf)}${pascalCase(u)}`,
  query: (wf: string, q: string) => `query${pascalCase(wf)}${pascalCase(q)}`,
  updateHandle: (ns: string) => `${pascalCase(ns)}UpdateHandle`,
  updateHandlerOptions: (ns: string) => `${pascalCase(ns)}UpdateHandlerOptions`,
  stream: (wf: string, o: string) => `stream${pascalCase(wf)}${pascalCase(o)}`,
  schedule: (wf: string) => `schedule${pascalCase(wf)}`,
  registerWorkflow: (wf: string) => `register${pascalCase(wf)}Workflow`,
  registerActivity: (a: string) => `register${pascalCase(a)}Activity`,
  outputEvent: (ns: string) => `${pascalCase(ns)}OutputEvent`,
  streamOptions: (ns: string) => `${pascalCase(ns)}StreamOptions`,
  loopsOptions: (ns: string) => `${pascalCase(ns)}ReplayLoopsOptions`,
  queueName: (ns: string) => `${pascalCase(ns)}Queue`,
  runOptions: (ns: string) => `${pascalCase(ns)}RunOptions`,
  childOptions: (ns: string) => `${pascalCase(ns)}ChildOptions`,
  scheduleOptions: (ns: string) => `${pascalCase(ns)}ScheduleOptions`,
  registry: (ns: string) => `${pascalCase(ns)}Registry`,
  createRegistry: (ns: string) => `create${pascalCase(ns)}Registry`,
  registryOptions: (ns: string) => `${pascalCase(ns)}WorkerOptions`,
  startRegistry: (ns: string) => `start${pascalCase(ns)}Worker`,
  /** The name every namespace's file exports, kept for compatibility: two namespaces in one module clash on it. */
  startLoops: () => "startReplayLoops",
  /** The per-namespace name of startReplayLoops: unique in an app with several namespaces. */
  startNamespaceLoops: (ns: string) => `start${pascalCase(ns)}Loops`,
  workflowFns: (ns: string) => `${camelCase(ns)}Workflows`,
  flowFactory: (wf: string) => `${camelCase(wf)}Flow`,
  mockFlow: (wf: string) => `mock${pascalCase(wf)}Flow`,
  activityMethod: (a: string) => camelCase(a),
  awaitMethod: (s: string) => `await${pascalCase(s)}`,
  emitMethod: (o: string) => `emit${pascalCase(o)}`,
  /** The Flow's member that registers the handler of an update or a query. */
  handlerMethod: (name: string) => `on${pascalCase(name)}`,
  runChildMethod: (child: string) => `run${pascalCase(child)}`,
  startChildMethod: (child: string) => `start${pascalCase(child)}`,
  signalChildMethod: (child: string, s: string) => `signal${pascalCase(child)}${pascalCase(s)}`,
};

/** Members every Flow has besides activities, awaits and emits. */
export const FLOW_BUILTINS = [
  "runId",
  "sleep",
  "now",
  "random",
  "uuid",
  "createToken",
  "awaitToken",
  "waitForEvent",
  "restart",
  "patched",
  "deprecatePatch",
  "scheduledAt",
  "condition",
  "writeStream",
  "closeStream",
] as const;

/** Private helpers of the generated file. */
export const HELPERS = ["parseWith", "describeIssues", "streamOptions", "toOutputEvent", "GENERATED_FROM"] as const;

/** The runtime package: the generated file imports from it, and activities take its ActivityContext. */
export const RUNTIME_MODULE = "@replaykit/runtime";

/** Names the generated file imports from the runtime; user types with these names are aliased. */
export const RUNTIME_IMPORTS = [
  "EventType",
  "ActivityRegistration",
  "FlowMock",
  "MockFn",
  "AwaitResultOptions",
  "ChildOptions",
  "Client",
  "QueryOptions",
  "UpdateHandlerOptions",
  "UpdateOptions",
  "Duration",
  "QueueOptions",
  "ReplayError",
  "RunContext",
  "RunOptions",
  "ScheduleOptions",
  "EventTrigger",
  "PublishOptions",
  "TriggerEvent",
  "TokenOptions",
  "WaitForEventOptions",
  "StreamEvent",
  "StreamOptions",
  "ReadStreamOptions",
  "TypedActivityContext",
  "TypedStreamChunk",
  "Worker",
  "WorkerOptions",
  "WorkflowFn",
  "WriteOptions",
  "createWorker",
  "createFlowMock",
  "requireSecretFields",
  "warnIfStale",
] as const;
