import type { Node } from "ts-morph";
import { InvalidManifestNameError } from "../errors.js";
import { FLOW_BUILTINS, ids, RUNTIME_IMPORTS } from "../model/identifiers.js";
import type { ProblemCollector } from "./collector.js";
import type { RawNamespace, RawWorkflow } from "./raw.js";

interface Claim {
  readonly id: string;
  readonly node: Node;
  readonly kind: string;
  readonly name: string;
}

/** Reports stored names whose generated TypeScript identifiers collide with another's. */
export function checkIdentifiers(ns: RawNamespace, problems: ProblemCollector): void {
  reportCollisions(topLevelClaims(ns), "the generated file", problems);
  for (const workflow of ns.workflows) reportCollisions(flowClaims(ns, workflow), ids.flow(workflow.name), problems);
}

function topLevelClaims(ns: RawNamespace): Claim[] {
  // The runtime's names come first: a generated declaration may not take one (`run` -> RunContext).
  const claims: Claim[] = RUNTIME_IMPORTS.map((id) => ({ id, node: ns.nameNode, kind: "runtime import", name: id }));
  for (const wf of ns.workflows) {
    const claim = (id: string, node: Node = wf.keyNode, kind = "workflow", name = wf.name) =>
      claims.push({ id, node, kind, name });
    const workflowIds = [ids.workflowConst, ids.flow, ids.workflowType, ids.run, ids.awaitResult, ids.registerWorkflow];
    for (const id of [...workflowIds, ids.schedule, ids.flowFactory, ids.mockFlow]) {
      claim(id(wf.name));
    }
    // Declared when any of the namespace's streams can reach its runs; claimed always, as names are.
    claim(ids.streamsType(wf.name));
    claim(ids.readStream(wf.name));
    for (const signal of wf.signals) {
      claim(ids.signal(wf.name, signal.name), signal.keyNode, "signal", signal.name);
      claim(ids.signalConst(wf.name, signal.name), signal.keyNode, "signal", signal.name);
    }
    for (const signal of wf.signals) {
      claim(ids.signalWithStart(wf.name, signal.name), signal.keyNode, "signal", signal.name);
    }
    for (const update of wf.updates) {
      for (const id of [ids.update, ids.startUpdate, ids.updateWithStart, ids.updateConst]) {
        claim(id(wf.name, update.name), update.keyNode, "update", update.name);
      }
    }
    for (const query of wf.queries) {
      for (const id of [ids.query, ids.queryConst]) claim(id(wf.name, query.name), query.keyNode, "query", query.name);
    }
    for (const output of wf.outputs) {
      claim(ids.stream(wf.name, output.name), output.keyNode, "output", output.name);
      claim(ids.outputConst(wf.name, output.name), output.keyNode, "output", output.name);
    }
  }
  claims.push(...activityClaims(ns));
  for (const queue of ns.queues) {
    claims.push({ id: ids.queueConst(queue.name), node: queue.keyNode, kind: "queue", name: queue.name });
  }
  for (const schedule of ns.schedules) {
    claims.push({
      id: ids.scheduleConst(schedule.name),
      node: schedule.keyNode,
      kind: "schedule",
      name: schedule.name,
    });
  }
  return claims;
}

/** An activity's constant and register function, and its context type when it declares streams. */
function activityClaims(ns: RawNamespace): Claim[] {
  return ns.activities.flatMap((activity) => {
    const makers = [ids.activityConst, ids.registerActivity];
    if (activity.streams.length > 0) makers.push(ids.activityContext);
    return makers.map((id) => ({
      id: id(activity.name),
      node: activity.keyNode,
      kind: "activity",
      name: activity.name,
    }));
  });
}

/** The members of a workflow's Flow: built-ins first, so a name that takes one is the one reported. */
function flowClaims(ns: RawNamespace, wf: RawWorkflow): Claim[] {
  const claims: Claim[] = FLOW_BUILTINS.map((id) => ({ id, node: wf.keyNode, kind: "built-in flow member", name: id }));
  for (const activity of ns.activities) {
    claims.push({
      id: ids.activityMethod(activity.name),
      node: activity.keyNode,
      kind: "activity",
      name: activity.name,
    });
  }
  // A child listed twice is reported once, by checkReferences.
  const children = wf.children.filter((child, index) => wf.children.findIndex((c) => c.name === child.name) === index);
  for (const child of children) {
    const claim = (id: string) => claims.push({ id, node: child.node, kind: "child workflow", name: child.name });
    claim(ids.runChildMethod(child.name));
    claim(ids.startChildMethod(child.name));
    const signals = ns.workflows.find((item) => item.name === child.name)?.signals ?? [];
    for (const signal of signals) claim(ids.signalChildMethod(child.name, signal.name));
  }
  for (const signal of wf.signals) {
    claims.push({ id: ids.awaitMethod(signal.name), node: signal.keyNode, kind: "signal", name: signal.name });
  }
  // A name used twice among signals, updates and queries is reported once, by checkRequestNames.
  const taken = new Set(wf.signals.map((signal) => signal.name));
  for (const request of [...wf.updates, ...wf.queries]) {
    const name = request.name;
    if (taken.has(name)) continue;
    taken.add(name);
    claims.push({ id: ids.handlerMethod(name), node: request.keyNode, kind: request.kind, name });
  }
  for (const output of wf.outputs) {
    claims.push({ id: ids.emitMethod(output.name), node: output.keyNode, kind: "output", name: output.name });
  }
  return claims;
}

function reportCollisions(claims: readonly Claim[], scope: string, problems: ProblemCollector): void {
  const first = new Map<string, Claim>();
  for (const claim of claims) {
    const earlier = first.get(claim.id);
    if (earlier === undefined) {
      first.set(claim.id, claim);
      continue;
    }
    if (earlier.node === claim.node) continue;
    const reason = `it becomes ${claim.id} in ${scope}, which ${earlier.kind} ${JSON.stringify(earlier.name)} already uses; rename one of them`;
    problems.add(new InvalidManifestNameError(problems.at(claim.node), claim.kind, claim.name, reason));
  }
}
