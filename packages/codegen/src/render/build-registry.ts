import { ids } from "../model/identifiers.js";
import type { NamespaceModel } from "../model/model.js";
import { docComment, fitList, LINE_WIDTH } from "./layout.js";
import type { RenderFunction, RenderInterface } from "./render-model.js";
import { backendsMember, flowControlOptions, registrationLine, workerOptionsHead } from "./worker-options.js";

/** The register functions, for splitting a namespace's work across processes. */

const I1 = "  ";
const I2 = "    ";

export function registryInterfaces(ns: NamespaceModel): RenderInterface[] {
  return [
    {
      doc: docComment(
        "",
        `The workflows and activities one worker of namespace "${ns.name}" runs, filled by the register functions.`,
      ),
      head: `export interface ${ids.registry(ns.name)} {`,
      members: [
        `${I1}readonly workflows: Record<string, WorkflowFn>;`,
        `${I1}readonly activities: Record<string, ActivityRegistration>;`,
        ...(ns.queues.length === 0
          ? []
          : [
              docComment(I1, "The default queues of the registered workflows, which the worker serves."),
              `${I1}readonly queues: Record<string, QueueOptions>;`,
            ]),
      ],
    },
    {
      doc: docComment("", `Options of ${ids.startRegistry(ns.name)}.`),
      head: workerOptionsHead(ids.registryOptions(ns.name)),
      members: [...backendsMember(ns), `${I1}readonly registry: ${ids.registry(ns.name)};`],
    },
  ];
}

export function registryFunctions(ns: NamespaceModel): RenderFunction[] {
  const registry = ids.registry(ns.name);
  const functions: RenderFunction[] = [
    {
      doc: docComment("", "An empty registry; fill it with the register functions, then start a worker on it."),
      signature: `export function ${ids.createRegistry(ns.name)}(): ${registry} {`,
      body: [`${I1}return { workflows: {}, activities: {}${ns.queues.length === 0 ? "" : ", queues: {}"} };`],
    },
  ];
  for (const wf of ns.workflows.filter((item) => item.register)) {
    const params = [`registry: ${registry}`, `workflow: ${ids.workflowType(wf.name)}`];
    const assign = `${I1}registry.workflows[${ids.workflowConst(wf.name)}] = (ctx: RunContext, input: ${wf.input.text}) =>`;
    const call = `workflow(${ids.flowFactory(wf.name)}(ctx), input);`;
    const queue = wf.queue === undefined ? [] : [registerQueueLine(ns, wf.queue)];
    functions.push({
      doc: docComment("", `Registers workflow "${wf.name}": ${wf.description}`),
      signature: fitList("", `export function ${ids.registerWorkflow(wf.name)}(`, params, "): void {"),
      body: [`${assign} ${call}`.length <= LINE_WIDTH ? `${assign} ${call}` : `${assign}\n${I2}${call}`, ...queue],
    });
  }
  for (const activity of ns.activities.filter((item) => item.register)) {
    functions.push({
      doc: docComment("", `Registers activity "${activity.name}": ${activity.description}`),
      signature: `export function ${ids.registerActivity(activity.name)}(registry: ${registry}): void {`,
      body: [registrationLine(`${I1}registry.activities[${ids.activityConst(activity.name)}] = `, activity, ";", I1)],
    });
  }
  functions.push({
    doc: docComment(
      "",
      `Starts a worker for only what was registered in \`opts.registry\`; stop it with \`await worker.stop()\`.`,
    ),
    signature: `export function ${ids.startRegistry(ns.name)}(opts: ${ids.registryOptions(ns.name)}): Worker {`,
    body: [
      `${I1}const { registry, ...rest } = opts;`,
      `${I1}const worker = createWorker({`,
      `${I2}...rest,`,
      `${I2}namespace: ${ids.namespaceConst(ns.name)},`,
      `${I2}workflows: registry.workflows,`,
      `${I2}activities: registry.activities,`,
      ...flowControlOptions(ns, "registry.queues"),
      `${I1}});`,
      `${I1}void worker.start();`,
      `${I1}return worker;`,
    ],
  });
  return functions;
}

function registerQueueLine(ns: NamespaceModel, queue: string): string {
  const name = ids.queueConst(queue);
  return `${I1}registry.queues[${name}] = ${ids.queuesConst(ns.name)}[${name}];`;
}
