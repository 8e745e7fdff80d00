import { ids } from "../model/identifiers.js";
import type {
  ActivityModel,
  JsonLiteral,
  LiteralValue,
  MessageModel,
  NamespaceModel,
  QueueModel,
  RequestModel,
  ScheduleModel,
  StreamModel,
  WorkflowModel,
} from "../model/model.js";
import { importViews, runtimeImports } from "./imports.js";
import { triggerViews } from "./trigger-views.js";
import type {
  ActivityView,
  ChildView,
  FileView,
  MessageView,
  QueueView,
  RequestView,
  ScheduleView,
  StreamView,
  Uses,
  WorkflowView,
} from "./view.js";

export interface HeaderInfo {
  /** The manifest's file name, e.g. `replay.ts`. */
  readonly manifestName: string;
  /** The manifest's path as the regenerate command should name it. */
  readonly commandPath: string;
  /** The runtime's manifestHash() of the manifest's text. */
  readonly manifestSha256: string;
}

/** The view of the generated file: the namespace model with every choice of what to print made. */
export function buildFileView(ns: NamespaceModel, header: HeaderInfo): FileView {
  const uses = usesOf(ns);
  return {
    manifestName: header.manifestName,
    manifestPath: header.commandPath,
    manifestSha256: header.manifestSha256,
    command: `npx replaygen ${header.commandPath}`,
    namespace: ns.name,
    imports: importViews([...ns.imports, ...runtimeImports(...runtimeNames(uses))]),
    workflows: ns.workflows.map((wf) => workflowView(ns, wf)),
    activities: ns.activities.map(activityView),
    queues: ns.queues.map(queueView),
    schedules: ns.schedules.map((schedule) => scheduleView(ns, schedule)),
    ...triggerViews(ns),
    backends: ns.backends?.text,
    secretFields: ns.secretFields,
    uses,
    aliasStartLoops: ids.startNamespaceLoops(ns.name) !== ids.startLoops(),
  };
}

function usesOf(ns: NamespaceModel): Uses {
  return {
    outputs: ns.workflows.some((wf) => wf.outputs.length > 0),
    schemas: ns.workflows.some(
      (wf) =>
        wf.inputSchema !== undefined ||
        wf.outputSchema !== undefined ||
        [...wf.signals, ...wf.outputs].some((message) => message.schema !== undefined) ||
        [...wf.updates, ...wf.queries].some(
          (item) => item.inputSchema !== undefined || item.outputSchema !== undefined,
        ),
    ),
    register: ns.workflows.some((wf) => wf.register) || ns.activities.some((activity) => activity.register),
    children: ns.workflows.some((wf) => wf.children.length > 0),
    queues: ns.queues.length > 0,
    schedules: ns.schedules.length > 0,
    triggers: ns.workflows.some((wf) => wf.trigger !== undefined),
    eventSchemas: ns.workflows.some((wf) => wf.trigger?.schema !== undefined),
    secrets: ns.secretFields.length > 0,
    signals: ns.workflows.some((wf) => wf.signals.length > 0),
    updates: ns.workflows.some((wf) => wf.updates.length > 0),
    queries: ns.workflows.some((wf) => wf.queries.length > 0),
    streams: ns.workflows.some((wf) => wf.runStreams.length > 0),
    activityStreams: ns.activities.some((activity) => activity.streams.length > 0),
  };
}

/** The runtime names the generated file imports: types, then values. */
function runtimeNames(uses: Uses): [string[], string[]] {
  const types = [
    "AwaitResultOptions",
    "Client",
    "Duration",
    "FlowMock",
    "MockFn",
    "RunContext",
    "RunOptions",
    "ScheduleOptions",
    "Tags",
    "TokenOptions",
    "WaitForEventOptions",
    "Worker",
    "WorkerOptions",
    "WorkflowFn",
  ];
  const values = ["createFlowMock", "createWorker", "warnIfStale"];
  if (uses.signals) types.push("WriteOptions");
  if (uses.outputs) types.push("StreamEvent", "StreamOptions");
  if (uses.outputs) values.push("EventType");
  if (uses.schemas) values.push("ReplayError");
  if (uses.register) types.push("ActivityRegistration");
  if (uses.children) types.push("ChildOptions");
  if (uses.queues) types.push("QueueOptions");
  if (uses.triggers) types.push("EventTrigger", "PublishOptions", "TriggerEvent");
  if (uses.secrets) values.push("requireSecretFields");
  if (uses.updates) types.push("UpdateHandlerOptions", "UpdateOptions");
  if (uses.queries) types.push("QueryOptions");
  if (uses.streams) types.push("ReadStreamOptions", "TypedStreamChunk");
  if (uses.activityStreams) types.push("TypedActivityContext");
  return [types, values];
}

function workflowView(ns: NamespaceModel, wf: WorkflowModel): WorkflowView {
  return {
    name: wf.name,
    description: wf.description,
    input: wf.input.text,
    inputToWrite: wf.inputToWrite.text,
    output: wf.output.text,
    outputToWrite: wf.outputToWrite.text,
    inputSchema: wf.inputSchema?.local,
    outputSchema: wf.outputSchema?.local,
    queue: wf.queue,
    tags: wf.tags.map((tag) => ({ name: tag.name, description: tag.description, type: tag.type.text })),
    tagsParam: wf.tags.length === 0 ? "Tags" : ids.tagsType(wf.name),
    startOptions: startOptionsType(ns, wf),
    signals: wf.signals.map((signal) => messageView(wf, signal)),
    updates: wf.updates.map((update) => requestView(wf, update, "update")),
    queries: wf.queries.map((query) => requestView(wf, query, "query")),
    outputs: wf.outputs.map((output) => messageView(wf, output)),
    children: wf.children
      .flatMap((name) => ns.workflows.filter((item) => item.name === name))
      .map((child) => childView(ns, child)),
    streams: wf.streams.map(streamView),
    streamKeys:
      wf.streams.length === 0 ? undefined : wf.streams.map((stream) => JSON.stringify(stream.name)).join(" | "),
    runStreams: wf.runStreams.map(streamView),
    register: wf.register,
  };
}

function childView(ns: NamespaceModel, child: WorkflowModel): ChildView {
  return {
    name: child.name,
    description: child.description,
    inputToWrite: child.inputToWrite.text,
    output: child.output.text,
    inputSchema: child.inputSchema?.local,
    outputSchema: child.outputSchema?.local,
    queue: child.queue,
    options: typedTags(ids.childOptions(ns.name), child),
    signals: child.signals.map((signal) => messageView(child, signal)),
  };
}

/** The start helpers' options: typed tags replace RunOptions' open `tags` when the workflow declares them. */
function startOptionsType(ns: NamespaceModel, wf: WorkflowModel): string {
  return typedTags(ids.runOptions(ns.name), wf);
}

/** `options` with its open `tags` replaced by the workflow's typed ones, when it declares them. */
function typedTags(options: string, wf: WorkflowModel): string {
  return wf.tags.length === 0 ? options : `Omit<${options}, "tags"> & { readonly tags?: ${ids.tagsType(wf.name)} }`;
}

function streamView(stream: StreamModel): StreamView {
  return { name: stream.name, description: stream.description, owner: stream.owner, type: stream.type.text };
}

function messageView(wf: WorkflowModel, message: MessageModel): MessageView {
  return {
    name: message.name,
    description: message.description,
    workflow: wf.name,
    type: message.type.text,
    typeToWrite: message.typeToWrite.text,
    schema: message.schema?.local,
  };
}

function requestView(wf: WorkflowModel, request: RequestModel, kind: RequestView["kind"]): RequestView {
  return {
    kind,
    name: request.name,
    description: request.description,
    workflow: wf.name,
    input: request.input?.text,
    inputToWrite: request.inputToWrite?.text,
    output: request.output.text,
    outputToWrite: request.outputToWrite.text,
    inputSchema: request.inputSchema?.local,
    outputSchema: request.outputSchema?.local,
  };
}

function activityView(activity: ActivityModel): ActivityView {
  const options = Object.keys(activity.options)
    .sort()
    .map((name) => ({ name, value: sortedKeys(activity.options[name] ?? "") }));
  return {
    name: activity.name,
    description: activity.description,
    fn: activity.fn.local,
    input: activity.input?.text,
    output: activity.output.text,
    options,
    register: activity.register,
    streams: activity.streams.map(streamView),
  };
}

/** A literal option with the keys of its objects sorted, at every level. */
function sortedKeys(value: LiteralValue): JsonLiteral {
  if (typeof value !== "object") return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortedKeys(value[key] ?? "")]),
  );
}

function queueView(queue: QueueModel): QueueView {
  const limits = Object.fromEntries(Object.entries(queue.limits).sort(([a], [b]) => (a < b ? -1 : 1)));
  return { name: queue.name, description: queue.description, limits };
}

function scheduleView(ns: NamespaceModel, schedule: ScheduleModel): ScheduleView {
  const wf = ns.workflows.find((item) => item.name === schedule.workflow);
  return {
    name: schedule.name,
    description: schedule.description,
    workflow: schedule.workflow,
    cron: schedule.cron,
    timezone: schedule.timezone,
    overlap: schedule.overlap,
    catchup: schedule.catchup,
    input: schedule.input,
    inputType: wf?.inputToWrite.text ?? "unknown",
    inputSchema: wf?.inputSchema?.local,
  };
}
