import { ids } from "../model/identifiers.js";
import type { MessageModel, NamespaceModel, WorkflowModel } from "../model/model.js";
import { childFactoryLines, childMembers, childMockedMembers, type MockedMember } from "./build-children.js";
import { queueFields, type StartTypes, startTypes } from "./build-flow-control.js";
import { callWithObject, docComment, fitList, propertyKey, stringLiteral } from "./layout.js";
import { member, validated, wrapArrow } from "./members.js";
import type { RenderFunction, RenderWorkflow } from "./render-model.js";

const I1 = "  ";
const I2 = "    ";
const I3 = "      ";

/** The Flow interface, workflow type and client helpers of one workflow. */
export function buildWorkflow(ns: NamespaceModel, wf: WorkflowModel): RenderWorkflow {
  const input = wf.input.text;
  const types = startTypes(ns);
  const functions = [
    runFunction(ns, wf, types),
    ...wf.signals.map((signal) => signalFunction(ns, wf, signal)),
    awaitResultFunction(ns, wf),
    scheduleFunction(ns, wf),
    ...wf.outputs.map((output) => streamFunction(ns, wf, output)),
    flowFactory(ns, wf),
    mockFactory(ns, wf),
  ];
  return {
    flow: {
      doc: docComment(
        "",
        `What workflow "${wf.name}" may use for side effects, waiting, time and randomness: ${wf.description}`,
      ),
      head: `export interface ${ids.flow(wf.name)} {`,
      members: flowMembers(ns, wf, types),
    },
    workflowType: [
      docComment("", `Workflow "${wf.name}": ${wf.description}`),
      fitList(
        "",
        `export type ${ids.workflowType(wf.name)} = (`,
        [`flow: ${ids.flow(wf.name)}`, `input: ${input}`],
        `) => Promise<${wf.outputToWrite.text}>;`,
      ),
    ].join("\n"),
    functions,
  };
}

function flowMembers(ns: NamespaceModel, wf: WorkflowModel, types: StartTypes): string[] {
  const members: string[] = [`${I1}readonly runId: string;`];
  members.push(docComment(I1, "The tick of the schedule that started this run; undefined when no schedule did."));
  members.push(`${I1}readonly scheduledAt: Date | undefined;`);
  for (const activity of ns.activities) {
    members.push(docComment(I1, `Activity "${activity.name}": ${activity.description}`));
    const params = activity.input === undefined ? [] : [`input: ${activity.input.text}`];
    members.push(member(ids.activityMethod(activity.name), params, `Promise<${activity.output.text}>`));
  }
  members.push(...childMembers(ns, wf, types.childOptions));
  for (const signal of wf.signals) {
    const text = `The next "${signal.name}" signal in arrival order, or undefined after \`timeout\`: ${signal.description}`;
    members.push(docComment(I1, text));
    members.push(
      member(ids.awaitMethod(signal.name), ["timeout: Duration"], `Promise<${orUndefined(signal.type.text)}>`),
    );
  }
  for (const output of wf.outputs) {
    members.push(docComment(I1, `Emits output "${output.name}": ${output.description}`));
    members.push(member(ids.emitMethod(output.name), [`message: ${output.typeToWrite.text}`], "Promise<void>"));
  }
  members.push(`${I1}sleep(duration: Duration): Promise<void>;`);
  members.push(docComment(I1, "Deterministic: the same on replay."));
  members.push(`${I1}now(): Date;`, `${I1}random(): number;`, `${I1}uuid(): string;`);
  members.push(docComment(I1, "Ends this iteration and starts the next with `input` (continue-as-new)."));
  members.push(member("restart", [`input: ${wf.inputToWrite.text}`], "Promise<never>"));
  const patched =
    "True where runs take the new branch of a code change; false when replaying a run recorded before it.";
  members.push(docComment(I1, patched));
  members.push(`${I1}patched(patchId: string): boolean;`);
  members.push(docComment(I1, "Step 2 of retiring a patch: accepts runs with or without its marker."));
  members.push(`${I1}deprecatePatch(patchId: string): void;`);
  return members;
}

/** JSON types have no function types, so no parentheses are needed. */
function orUndefined(type: string): string {
  return `${type} | undefined`;
}

/** async when a schema validates: a refused value then rejects the promise instead of throwing at the call. */
function validatingKind(schema: { local: string } | undefined): string {
  return schema === undefined ? "function" : "async function";
}

function fn(
  doc: string,
  name: string,
  params: readonly string[],
  returns: string,
  body: string[],
  kind = "function",
): RenderFunction {
  return {
    doc: docComment("", doc),
    signature: fitList("", `export ${kind} ${name}(`, params, `): ${returns} {`),
    body,
  };
}

function call(indent: string, head: string, args: readonly string[], tail: string): string {
  return indent + fitList(indent, head, args, tail);
}

function runFunction(ns: NamespaceModel, wf: WorkflowModel, types: StartTypes): RenderFunction {
  const input = validated(wf.inputSchema, "input", `input of workflow ${wf.name}`);
  const args = [ids.namespaceConst(ns.name), ids.workflowConst(wf.name), "runId", input];
  const params = ["client: Client", "runId: string", `input: ${wf.inputToWrite.text}`, `opts?: ${types.runOptions}`];
  const queue = wf.queue === undefined ? "" : ` Runs through queue "${wf.queue}" unless \`opts.queue\` names another.`;
  const doc = `Starts a run of workflow "${wf.name}"; false when \`runId\` exists already. \`opts.tx\` joins your transaction.${queue}`;
  const body =
    wf.queue === undefined
      ? [call(I1, "return client.runWorkflow(", [...args, "opts"], ");")]
      : [callWithObject(I1, "return client.runWorkflow(", args, queueFields(wf.queue), ");")];
  return fn(doc, ids.run(wf.name), params, "Promise<boolean>", body, validatingKind(wf.inputSchema));
}

function signalFunction(ns: NamespaceModel, wf: WorkflowModel, signal: MessageModel): RenderFunction {
  const message = validated(signal.schema, "message", `signal ${signal.name} of workflow ${wf.name}`);
  const consts = [
    ids.namespaceConst(ns.name),
    ids.workflowConst(wf.name),
    "runId",
    ids.signalConst(wf.name, signal.name),
  ];
  const params = [
    "client: Client",
    "runId: string",
    `message: ${signal.typeToWrite.text}`,
    "externalId: string",
    "opts?: WriteOptions",
  ];
  const doc = `Sends signal "${signal.name}" to a run of workflow "${wf.name}"; false when \`externalId\` was sent before. ${signal.description}`;
  const body = [call(I1, "return client.signalRun(", [...consts, message, "externalId", "opts"], ");")];
  return fn(doc, ids.signal(wf.name, signal.name), params, "Promise<boolean>", body, validatingKind(signal.schema));
}

function awaitResultFunction(ns: NamespaceModel, wf: WorkflowModel): RenderFunction {
  const args = [ids.namespaceConst(ns.name), ids.workflowConst(wf.name), "runId", "opts"];
  const params = ["client: Client", "runId: string", "opts?: AwaitResultOptions"];
  const doc = `The result of a run of workflow "${wf.name}" once it completed; throws RunFailedError when it did not.`;
  const returns = `Promise<${wf.output.text}>`;
  const result =
    wf.outputSchema === undefined
      ? `result as ${wf.output.text}`
      : validated(wf.outputSchema, "result", `result of workflow ${wf.name}`);
  const body = [call(I1, "const result = await client.awaitResult(", args, ");"), `${I1}return ${result};`];
  return fn(doc, ids.awaitResult(wf.name), params, returns, body, "async function");
}

function scheduleFunction(ns: NamespaceModel, wf: WorkflowModel): RenderFunction {
  const input = validated(wf.inputSchema, "schedule.input", `input of workflow ${wf.name}`);
  const fields = ["...schedule", "id", `workflow: ${ids.workflowConst(wf.name)}`];
  if (wf.inputSchema !== undefined) fields.push(`input: ${input}`);
  const params = ["client: Client", "id: string", `schedule: ${ids.scheduleOptions(ns.name)}<${wf.inputToWrite.text}>`];
  const doc = `Creates schedule \`id\` of workflow "${wf.name}", or updates it (cron, time zone, input, policies); each tick starts run \`<id>@<tick, ISO 8601 UTC>\`.`;
  const lines = [callWithObject(I1, "return client.createSchedule(", [ids.namespaceConst(ns.name)], fields, ");")];
  return fn(doc, ids.schedule(wf.name), params, "Promise<void>", lines, validatingKind(wf.inputSchema));
}

function streamFunction(ns: NamespaceModel, wf: WorkflowModel, output: MessageModel): RenderFunction {
  const event = `${ids.outputEvent(ns.name)}<${output.type.text}>`;
  const params = ["client: Client", `opts: ${ids.streamOptions(ns.name)} = {}`];
  const doc = `Output "${output.name}" of workflow "${wf.name}" in commit order (all runs unless \`opts.runId\`): ${output.description}`;
  const body = [
    `${I1}for await (const event of client.stream(streamOptions(${ids.workflowConst(wf.name)}, opts))) {`,
    `${I2}if (event.target === ${ids.outputConst(wf.name, output.name)}) yield toOutputEvent(event);`,
    `${I1}}`,
  ];
  return fn(doc, ids.stream(wf.name, output.name), params, `AsyncIterable<${event}>`, body, "async function*");
}

function flowFactory(ns: NamespaceModel, wf: WorkflowModel): RenderFunction {
  const lines = [`${I2}runId: ctx.runId,`, `${I2}scheduledAt: ctx.scheduledAt,`];
  for (const activity of ns.activities) {
    // An activity that declares no input gets null: the runtime refuses a top-level undefined.
    const [param, input] = activity.input === undefined ? ["", "null"] : ["input: unknown", "input"];
    const head = `${I2}${ids.activityMethod(activity.name)}: (${param}) =>`;
    lines.push(wrapArrow(head, `ctx.execActivity(${ids.activityConst(activity.name)}, ${input}),`));
  }
  lines.push(...childFactoryLines(ns, wf));
  for (const signal of wf.signals) {
    const head = `${I2}${ids.awaitMethod(signal.name)}: (timeout: Duration) =>`;
    lines.push(wrapArrow(head, `ctx.awaitSignal(${ids.signalConst(wf.name, signal.name)}, timeout),`));
  }
  for (const output of wf.outputs) {
    const message = validated(output.schema, "message", `output ${output.name} of workflow ${wf.name}`);
    const head = `${I2}${ids.emitMethod(output.name)}: (message: unknown) =>`;
    lines.push(wrapArrow(head, `ctx.emitOutput(${ids.outputConst(wf.name, output.name)}, ${message}),`));
  }
  lines.push(`${I2}sleep: (duration: Duration) => ctx.sleep(duration),`);
  lines.push(`${I2}now: () => ctx.now(),`, `${I2}random: () => ctx.random(),`, `${I2}uuid: () => ctx.uuid(),`);
  const restart = validated(wf.inputSchema, "input", `input of workflow ${wf.name}`);
  lines.push(wrapArrow(`${I2}restart: (input: unknown) =>`, `ctx.restart(${restart}),`));
  lines.push(`${I2}patched: (patchId: string) => ctx.patched(patchId),`);
  lines.push(`${I2}deprecatePatch: (patchId: string) => ctx.deprecatePatch(patchId),`);
  return {
    doc: docComment("", `Wraps the untyped run context in the typed flow of workflow "${wf.name}".`),
    signature: `function ${ids.flowFactory(wf.name)}(ctx: RunContext): ${ids.flow(wf.name)} {`,
    // The runtime is untyped: the methods return Promise<unknown>; the manifest's types are asserted once here.
    body: [`${I1}const flow = {`, ...lines, `${I1}};`, `${I1}return flow as ${ids.flow(wf.name)};`],
  };
}

/** What each member of the Flow is, for the mock's defaults (see the runtime's MockedMember). */
function mockedMembers(ns: NamespaceModel, wf: WorkflowModel): string[] {
  const members: [string, MockedMember][] = ns.activities.map((activity) => [
    ids.activityMethod(activity.name),
    "activity",
  ]);
  members.push(...childMockedMembers(ns, wf));
  for (const signal of wf.signals) members.push([ids.awaitMethod(signal.name), "signal"]);
  for (const output of wf.outputs) members.push([ids.emitMethod(output.name), "effect"]);
  return members.map(([name, kind]) => `${I3}${propertyKey(name)}: "${kind}",`);
}

/** `mock<Workflow>Flow(fn, overrides)`: the Flow for unit tests, made by the runtime's createFlowMock. */
function mockFactory(ns: NamespaceModel, wf: WorkflowModel): RenderFunction {
  const flow = ids.flow(wf.name);
  const name = ids.mockFlow(wf.name);
  const members = mockedMembers(ns, wf);
  const doc = `A mock ${flow} for unit tests of workflow "${wf.name}": each method is made by \`fn\` (vi.fn; node:test: mock.fn.bind(mock)) around \`overrides\`, else a default. Activities, child runs and signal awaits reject until given; now() is MOCK_NOW; random() and uuid() are deterministic.`;
  return {
    doc: docComment("", doc),
    signature: fitList(
      "",
      `export function ${name}<M>(`,
      ["fn: MockFn<M>", `overrides: Partial<${flow}> = {}`],
      `): FlowMock<${flow}, M> {`,
    ),
    body: [
      `${I1}warnIfStale(GENERATED_FROM);`,
      `${I1}return createFlowMock<${flow}, M>(fn, overrides, {`,
      `${I2}workflow: ${ids.workflowConst(wf.name)},`,
      `${I2}factory: ${stringLiteral(name)},`,
      ...(members.length === 0 ? [`${I2}members: {},`] : [`${I2}members: {`, ...members, `${I2}},`]),
      `${I1}});`,
    ],
  };
}
