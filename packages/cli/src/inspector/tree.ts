import type { ChildRequest, Client, RunInfo, TimelineStep } from "@replaykit/runtime";
import type { SealedOf } from "../shared/sealed.js";
import { stepsOf } from "../shared/steps.js";

/** How far up and down the run page follows a run's relatives, and how many it shows at most. */
const MAX_ANCESTORS = 10;
const MAX_DEPTH = 3;
const MAX_NODES = 100;

/** A child run in the tree: how its parent started it, its status (undefined: purged), its own children. */
export interface TreeNode {
  readonly workflow: string;
  readonly runId: string;
  readonly waited: boolean;
  readonly status: string | undefined;
  readonly children: readonly TreeNode[];
}

/** A run's ancestors (the root first) and its descendants, read from the children each iteration started. */
export interface RunTree {
  /** Each with its status; "purged" when it no longer exists. */
  readonly ancestors: readonly { readonly workflow: string; readonly runId: string; readonly status: string }[];
  readonly children: readonly TreeNode[];
  /** Some relatives were left out: ancestors beyond MAX_ANCESTORS, or descendants beyond MAX_NODES (the tree shows MAX_DEPTH levels down). */
  readonly cut: boolean;
}

export async function loadTree(
  client: Client,
  sealedOf: SealedOf,
  run: RunInfo,
  steps: readonly TimelineStep[],
): Promise<RunTree> {
  const ancestors: RunTree["ancestors"][number][] = [];
  let parent = run.parent;
  while (parent !== undefined && ancestors.length < MAX_ANCESTORS) {
    const info = await client.getRun(run.namespace, parent.workflow, parent.runId);
    ancestors.unshift({ workflow: parent.workflow, runId: parent.runId, status: info?.status ?? "purged" });
    parent = info?.parent;
  }
  const budget = { left: MAX_NODES, cut: false };
  const children = await childrenOf(client, sealedOf, run.namespace, steps, 1, budget);
  return { ancestors, children, cut: budget.cut || parent !== undefined };
}

async function childrenOf(
  client: Client,
  sealedOf: SealedOf,
  namespace: string,
  steps: readonly TimelineStep[],
  depth: number,
  budget: { left: number; cut: boolean },
): Promise<TreeNode[]> {
  // A child whose request is sealed (encrypted) names no run id here: it is left out.
  const started = steps.filter((step) => step.kind === "child" && sealedOf(step.request) === undefined);
  const nodes: TreeNode[] = [];
  for (const step of started) {
    if (budget.left <= 0) {
      budget.cut = true;
      break;
    }
    budget.left--;
    const request = step.request as ChildRequest;
    const info = await client.getRun(namespace, step.name, request.runId);
    let children: TreeNode[] = [];
    if (info !== undefined && depth < MAX_DEPTH) {
      const history = await client.getHistory(namespace, step.name, request.runId, { iteration: info.iteration });
      children = await childrenOf(client, sealedOf, namespace, stepsOf(history, sealedOf), depth + 1, budget);
    }
    nodes.push({ workflow: step.name, runId: request.runId, waited: request.wait, status: info?.status, children });
  }
  return nodes;
}
