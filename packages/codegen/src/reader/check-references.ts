import { InvalidManifestNameError, UnknownReferenceError } from "../errors.js";
import type { ProblemCollector } from "./collector.js";
import type { RawName, RawNamespace } from "./raw.js";

/** Reports children, default and activity queues, and scheduled workflows that name nothing the namespace declares. */
export function checkReferences(ns: RawNamespace, problems: ProblemCollector): void {
  const workflows = ns.workflows.map((wf) => wf.name).sort();
  const queues = ns.queues.map((queue) => queue.name).sort();
  for (const wf of ns.workflows) {
    const seen = new Set<string>();
    for (const child of wf.children) {
      if (seen.has(child.name)) {
        const reason = `it is listed twice in the children of workflow ${JSON.stringify(wf.name)}`;
        problems.add(new InvalidManifestNameError(problems.at(child.node), "child workflow", child.name, reason));
      }
      seen.add(child.name);
      check(child, `workflow ${JSON.stringify(wf.name)} lists child`, "workflow", workflows, problems);
    }
    if (wf.queue !== undefined)
      check(wf.queue, `workflow ${JSON.stringify(wf.name)} names queue`, "queue", queues, problems);
  }
  for (const activity of ns.activities) {
    if (activity.queue !== undefined)
      check(activity.queue, `activity ${JSON.stringify(activity.name)} names queue`, "queue", queues, problems);
  }
  for (const schedule of ns.schedules) {
    const what = `schedule ${JSON.stringify(schedule.name)} starts workflow`;
    if (schedule.workflow !== undefined) check(schedule.workflow, what, "workflow", workflows, problems);
  }
}

function check(ref: RawName, what: string, kind: string, known: readonly string[], problems: ProblemCollector): void {
  if (!known.includes(ref.name))
    problems.add(new UnknownReferenceError(problems.at(ref.node), what, ref.name, kind, known));
}
