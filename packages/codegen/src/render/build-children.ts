import { ids } from "../model/identifiers.js";
import type { NamespaceModel, WorkflowModel } from "../model/model.js";
import { queueFields } from "./build-flow-control.js";
import { callWithObject, docComment, fitList, LINE_WIDTH } from "./layout.js";
import { member, validated } from "./members.js";

const I1 = "  ";
const I2 = "    ";
const I3 = "      ";

/** The child workflows `wf` declares, as models, in the order of its `children`. */
function childrenOf(ns: NamespaceModel, wf: WorkflowModel): WorkflowModel[] {
  return wf.children.flatMap((name) => ns.workflows.filter((item) => item.name === name));
}

/** The Flow members for starting, awaiting and signalling the declared children. */
export function childMembers(ns: NamespaceModel, wf: WorkflowModel, childOptions: string): string[] {
  const members: string[] = [];
  for (const child of childrenOf(ns, wf)) {
    const params = ["runId: string", `input: ${child.inputToWrite.text}`, `opts?: ${childOptions}`];
    const run = `Starts a child run of workflow "${child.name}" and waits for its result (a failed child rejects with ChildWorkflowFailure): ${child.description}`;
    members.push(docComment(I1, run), member(ids.runChildMethod(child.name), params, `Promise<${child.output.text}>`));
    const start = `Starts a child run of workflow "${child.name}" and goes on without waiting for it: ${child.description}`;
    members.push(docComment(I1, start), member(ids.startChildMethod(child.name), params, "Promise<void>"));
    for (const signal of child.signals) {
      const doc = `Sends signal "${signal.name}" to a run of workflow "${child.name}" (sent once, also on replay): ${signal.description}`;
      const signalParams = ["runId: string", `message: ${signal.typeToWrite.text}`, "externalId: string"];
      const name = ids.signalChildMethod(child.name, signal.name);
      members.push(docComment(I1, doc), member(name, signalParams, "Promise<void>"));
    }
  }
  return members;
}

/** What a Flow mock does without an implementation (the runtime's MockedMember). */
export type MockedMember = "activity" | "child" | "signal" | "effect";

/** The child members of `wf`'s Flow, as its mock treats them: a child run answers, the rest are effects. */
export function childMockedMembers(ns: NamespaceModel, wf: WorkflowModel): [string, MockedMember][] {
  return childrenOf(ns, wf).flatMap((child): [string, MockedMember][] => [
    [ids.runChildMethod(child.name), "child"],
    [ids.startChildMethod(child.name), "effect"],
    ...child.signals.map((signal): [string, MockedMember] => [
      ids.signalChildMethod(child.name, signal.name),
      "effect",
    ]),
  ]);
}

/** The lines of the flow factory that wrap ctx.runChild, ctx.startChild and ctx.signalRun. */
export function childFactoryLines(ns: NamespaceModel, wf: WorkflowModel): string[] {
  return childrenOf(ns, wf).flatMap((child) => [runChildLine(child), startChildLine(child), ...signalLines(child)]);
}

/** The arguments of ctx.runChild/startChild and, with a default queue, the fields of the options object. */
function childArgs(child: WorkflowModel): { args: string[]; fields?: string[] } {
  const input = validated(child.inputSchema, "input", `input of workflow ${child.name}`);
  const args = [ids.workflowConst(child.name), "runId", input];
  return child.queue === undefined ? { args: [...args, "opts"] } : { args, fields: queueFields(child.queue) };
}

const CHILD_PARAMS = ["runId: string", "input: unknown", "opts?: ChildOptions"];

/** `name: (params) =>` (or `name: async (params) =>`), the parameters one per line when too long. */
function arrowHead(name: string, prefix = ""): string {
  return `${I2}${fitList(I2, `${name}: ${prefix}(`, CHILD_PARAMS, ") =>")}`;
}

function runChildLine(child: WorkflowModel): string {
  const name = ids.runChildMethod(child.name);
  const { args, fields } = childArgs(child);
  if (child.outputSchema === undefined) return arrowCall(arrowHead(name), "ctx.runChild(", args, fields);
  // The child's result is stored as its workflow returned it: parse it into what the Flow promises.
  const parsed = validated(child.outputSchema, "result", `result of workflow ${child.name}`);
  return [
    `${arrowHead(name, "async ")} {`,
    callLines(I3, "const result = await ctx.runChild(", args, fields, ");"),
    `${I3}return ${parsed};`,
    `${I2}},`,
  ].join("\n");
}

function startChildLine(child: WorkflowModel): string {
  const { args, fields } = childArgs(child);
  return arrowCall(arrowHead(ids.startChildMethod(child.name)), "ctx.startChild(", args, fields);
}

function signalLines(child: WorkflowModel): string[] {
  return child.signals.map((signal) => {
    const message = validated(signal.schema, "message", `signal ${signal.name} of workflow ${child.name}`);
    const params = ["runId: string", "message: unknown", "externalId: string"];
    const head = `${I2}${fitList(I2, `${ids.signalChildMethod(child.name, signal.name)}: (`, params, ") =>")}`;
    const args = [
      ids.workflowConst(child.name),
      "runId",
      ids.signalConst(child.name, signal.name),
      message,
      "externalId",
    ];
    return arrowCall(head, "ctx.signalRun(", args, undefined);
  });
}

/** `head body,` on one line when it fits, else the call on the next line, broken as biome breaks it. */
function arrowCall(
  head: string,
  callee: string,
  args: readonly string[],
  fields: readonly string[] | undefined,
): string {
  const all = fields === undefined ? args : [...args, `{ ${fields.join(", ")} }`];
  const oneLine = `${head} ${callee}${all.join(", ")}),`;
  if (oneLine.length <= LINE_WIDTH) return oneLine;
  return `${head}\n${callLines(I3, callee, args, fields, "),")}`;
}

function callLines(
  indent: string,
  callee: string,
  args: readonly string[],
  fields: readonly string[] | undefined,
  tail: string,
): string {
  if (fields !== undefined) return callWithObject(indent, callee, args, fields, tail);
  return indent + fitList(indent, callee, args, tail);
}
