import { ids } from "../model/identifiers.js";
import type { NamespaceModel, ScheduleModel, WorkflowModel } from "../model/model.js";
import { printJson } from "./json.js";
import { docComment, interfaceHead, stringLiteral } from "./layout.js";
import type { RenderInterface } from "./render-model.js";

const I1 = "  ";
const I2 = "    ";
const I3 = "      ";

/** How the run, child and schedule helpers of a namespace are typed: decided once for every workflow. */
export interface StartTypes {
  /** The options type of the run helpers. */
  readonly runOptions: string;
  /** The options type of the Flow's child methods. */
  readonly childOptions: string;
}

export function startTypes(ns: NamespaceModel): StartTypes {
  return { runOptions: ids.runOptions(ns.name), childOptions: ids.childOptions(ns.name) };
}

function hasChildren(ns: NamespaceModel): boolean {
  return ns.workflows.some((wf) => wf.children.length > 0);
}

/** The fields of the options a start with a default queue passes: the caller's, and the queue unless they name one. */
export function queueFields(queue: string): string[] {
  return ["...opts", `queue: opts?.queue ?? ${ids.queueConst(queue)}`];
}

/** The queue union type and the queues and schedules the manifest declares, as constants. */
export function flowControlDeclarations(ns: NamespaceModel): string[] {
  const declarations: string[] = [];
  if (ns.queues.length === 0) {
    // Without queues to name, a start takes no queue: the options are the runtime's without it.
    const alias = (name: string, doc: string, base: string) =>
      `${docComment("", `${doc} of namespace "${ns.name}", which declares no queue.`)}\nexport type ${name} = Omit<${base}, "queue">;`;
    declarations.push(alias(ids.runOptions(ns.name), "Options of the run helpers", "RunOptions"));
    if (hasChildren(ns))
      declarations.push(alias(ids.childOptions(ns.name), "Options of the Flow's child runs", "ChildOptions"));
  }
  if (ns.queues.length > 0) {
    const names = ns.queues.map((queue) => `typeof ${ids.queueConst(queue.name)}`).join(" | ");
    declarations.push(
      `${docComment("", `A queue of namespace "${ns.name}": what the \`queue\` of a start may name.`)}\nexport type ${ids.queueName(ns.name)} = ${names};`,
      queuesConstant(ns),
    );
  }
  if (ns.schedules.length > 0) declarations.push(schedulesConstant(ns));
  return declarations;
}

function queuesConstant(ns: NamespaceModel): string {
  const entries = ns.queues.map((queue) => {
    const limits = Object.fromEntries(Object.entries(queue.limits).sort(([a], [b]) => (a < b ? -1 : 1)));
    return printJson(limits, I1, `${I1}[${ids.queueConst(queue.name)}]: `, ",");
  });
  const doc = `The queues of namespace "${ns.name}" with their limits; startReplayLoops serves every one of them.`;
  const type = `Readonly<Record<${ids.queueName(ns.name)}, QueueOptions>>`;
  return `${docComment("", doc)}\nexport const ${ids.queuesConst(ns.name)}: ${type} = {\n${entries.join("\n")}\n};`;
}

function schedulesConstant(ns: NamespaceModel): string {
  const entries = ns.schedules.map((schedule) => scheduleEntry(ns, schedule));
  const doc = `The schedules of namespace "${ns.name}": startReplayLoops creates each one, or updates it when it differs from this.`;
  return `${docComment("", doc)}\nexport const ${ids.schedulesConst(ns.name)}: readonly ScheduleOptions[] = [\n${entries.join("\n")}\n];`;
}

function scheduleEntry(ns: NamespaceModel, schedule: ScheduleModel): string {
  const wf = ns.workflows.find((item) => item.name === schedule.workflow);
  const inputType = wf?.inputToWrite.text ?? "unknown";
  const fields = [
    `${I2}id: ${ids.scheduleConst(schedule.name)},`,
    `${I2}workflow: ${ids.workflowConst(schedule.workflow)},`,
    `${I2}cron: ${stringLiteral(schedule.cron)},`,
    ...optionalField("timezone", schedule.timezone),
    ...optionalField("overlap", schedule.overlap),
    ...optionalField("catchup", schedule.catchup),
    scheduleInput(schedule, wf, inputType),
  ];
  const doc = schedule.description === undefined ? [] : [docComment(I1, schedule.description)];
  return [...doc, `${I1}{`, ...fields, `${I1}},`].join("\n");
}

/** The input as written, checked against the workflow's input type by the compiler (and parsed by its schema). */
function scheduleInput(schedule: ScheduleModel, wf: WorkflowModel | undefined, inputType: string): string {
  const schema = wf?.inputSchema;
  if (schema === undefined) return printJson(schedule.input, I2, `${I2}input: `, ` satisfies ${inputType},`);
  const what = stringLiteral(`input of schedule ${schedule.name}`);
  const head = `${I2}input: parseWith(${schema.local}, `;
  const oneLine = printJson(schedule.input, "", head, ` satisfies ${inputType}, ${what}),`);
  if (!oneLine.includes("\n")) return oneLine;
  // Too long for one line: one argument per line, as biome breaks a call whose last argument is no object.
  const value = printJson(schedule.input, I3, I3, ` satisfies ${inputType},`);
  return [`${I2}input: parseWith(`, `${I3}${schema.local},`, value, `${I3}${what},`, `${I2}),`].join("\n");
}

function optionalField(key: string, value: string | undefined): string[] {
  return value === undefined ? [] : [`${I2}${key}: ${stringLiteral(value)},`];
}

/** The options interfaces of the run, child and schedule helpers. */
export function startInterfaces(ns: NamespaceModel): RenderInterface[] {
  const interfaces: RenderInterface[] = [];
  const queue = ids.queueName(ns.name);
  if (ns.queues.length > 0) {
    interfaces.push({
      doc: docComment("", `Options of the run helpers of namespace "${ns.name}": \`queue\` names one of its queues.`),
      head: interfaceHead(ids.runOptions(ns.name), 'Omit<RunOptions, "queue">'),
      members: [
        docComment(I1, "Run through this queue and its limits; default: the workflow's own queue, if it names one."),
        `${I1}readonly queue?: ${queue};`,
      ],
    });
  }
  if (ns.queues.length > 0 && hasChildren(ns)) {
    interfaces.push({
      doc: docComment("", `Options of the Flow's child runs in namespace "${ns.name}".`),
      head: interfaceHead(ids.childOptions(ns.name), 'Omit<ChildOptions, "queue">'),
      members: [
        docComment(I1, "Run the child through this queue; default: the child workflow's own queue, if it names one."),
        `${I1}readonly queue?: ${queue};`,
      ],
    });
  }
  interfaces.push({
    doc: docComment("", `A schedule of one workflow of namespace "${ns.name}", as its schedule helper takes it.`),
    head: interfaceHead(`${ids.scheduleOptions(ns.name)}<I>`, 'Omit<ScheduleOptions, "id" | "workflow" | "input">'),
    members: [docComment(I1, "The input of every run the schedule starts."), `${I1}readonly input: I;`],
  });
  return interfaces;
}
