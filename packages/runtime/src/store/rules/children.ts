import {
  CHILD_SIGNAL,
  childEndingId,
  childEndingText,
  cycleChildEnding,
  foreignChildEnding,
  mergeTags,
  type RunKey,
  RunStatus,
  type Tags,
} from "../../history/index.js";
import type { ChildStart, RunEnd, SignalToSend } from "../step-write.js";
import { type ParentLink, type RunCreation, runCreation } from "./new-run.js";

/** What starting a child reads of a run that exists under the child's key already. */
export interface ExistingChild {
  readonly status: string;
  readonly resultText: string | null;
  readonly errorText: string | null;
  /** The parent it reports to, if any. */
  readonly parent: Pick<ParentLink, "workflow" | "runId"> | null;
}

/** What a store does for a child a step starts. */
export type ChildStartDecision =
  /** Create the child (the key is free). */
  | { readonly kind: "create"; readonly creation: RunCreation }
  /** Link the existing child to this parent, which waits for its ending. */
  | { readonly kind: "link"; readonly parent: ParentLink }
  /** Deliver an ending to the parent now: the child's own, or a failure that says why it cannot be waited for. */
  | { readonly kind: "deliver"; readonly ending: SignalToSend }
  /** Leave the existing child alone: the parent does not wait for it. */
  | { readonly kind: "nothing" };

/**
 * A child a step starts, given the run that exists under its key (undefined: none). A free key
 * creates the child, linked to its parent. A child that exists already is waited for (when the
 * parent waits): linked when it runs (or is stuck) and reports to no other parent, its ending
 * delivered now when it ended; one that reports to another parent is delivered as a failure
 * that says so. A store that inserts first (childCreation) and reads the existing run only
 * after the insert found the key taken asks readsExistingChild whether to read it at all.
 *
 * A child the parent would wait for while it waits for the parent (it is the parent, or one of
 * `waitingAncestors`: the parent's parent, that one's, ... as long as each waits for the one
 * below) would never end: its start is delivered as a ChildCycleError failure instead of a
 * link. The store reads those ancestors when readsWaitChain says so, at most MAX_WAIT_CHAIN.
 */
export function childStart(
  child: ChildStart,
  parent: ChildParent,
  existing: ExistingChild | undefined,
  now: number,
  waitingAncestors: readonly Pick<RunKey, "workflow" | "runId">[] = [],
): ChildStartDecision {
  if (existing === undefined) return { kind: "create", creation: childCreation(child, parent, now) };
  const { key, waits } = child;
  if (!waits) return { kind: "nothing" };
  const deliver = (payloadText: string): ChildStartDecision => ({
    kind: "deliver",
    ending: {
      key: { namespace: key.namespace, workflow: parent.workflow, runId: parent.runId },
      signal: { signal: CHILD_SIGNAL, externalId: childEndingId(key), payloadText },
    },
  });
  const own = existing.parent;
  if (own && (own.workflow !== parent.workflow || own.runId !== parent.runId)) {
    return deliver(JSON.stringify(foreignChildEnding(key, own)));
  }
  if (existing.status === RunStatus.Running || existing.status === RunStatus.Stuck) {
    const cycle = waitCycle(key, [parent, ...waitingAncestors]);
    if (cycle !== undefined) return deliver(JSON.stringify(cycleChildEnding(key, cycle)));
    return { kind: "link", parent: { workflow: parent.workflow, runId: parent.runId, waits } };
  }
  return deliver(childEndingText(existing.status, existing.resultText, existing.errorText));
}

/** The parent starting a child: its key, and its tags when the child inherits them. */
export type ChildParent = Pick<RunKey, "workflow" | "runId"> & { readonly tags?: Tags | undefined };

/**
 * The child as childStart creates it when its key is free: a new run linked to its parent,
 * with the parent's tags under its own (see childTags).
 */
export function childCreation(child: ChildStart, parent: ChildParent, now: number): RunCreation {
  const { key, inputText, waits, codeVersion, deadline, queue, traceContext } = child;
  const link: ParentLink = { workflow: parent.workflow, runId: parent.runId, waits };
  const tags = childTags(parent.tags, child.tags);
  return runCreation({ key, inputText, now, codeVersion, deadline, queue, parent: link, traceContext, tags });
}

/** A child inherits its parent's tags; those the child was started with win (ChildOptions.tags). */
export function childTags(parent: Tags | undefined, own: Tags | undefined): Tags {
  return mergeTags(parent ?? {}, own ?? {});
}

/** How far up a parent's chain of waiting parents a child start looks for a cycle. */
export const MAX_WAIT_CHAIN = 64;

/** Whether childStart needs the parent's waiting ancestors: it would link an existing run that has no parent. */
export function readsWaitChain(child: ChildStart, existing: ExistingChild): boolean {
  const linkable = existing.status === RunStatus.Running || existing.status === RunStatus.Stuck;
  return child.waits && linkable && existing.parent === null;
}

/**
 * The cycle `key` would close if `chain[0]` waited for it, where each later run of `chain`
 * waits for the one before it: the runs in "waits for" order from `chain[0]` (it, `key`, then
 * back down the chain); undefined when `key` is not in the chain.
 */
export function waitCycle(
  key: Pick<RunKey, "workflow" | "runId">,
  chain: readonly Pick<RunKey, "workflow" | "runId">[],
): Pick<RunKey, "workflow" | "runId">[] | undefined {
  const at = chain.findIndex((run) => run.workflow === key.workflow && run.runId === key.runId);
  if (at === -1) return undefined;
  const [waiter] = chain;
  if (at === 0 || waiter === undefined) return [key];
  return [waiter, key, ...chain.slice(1, at).reverse()];
}

/** Whether childStart needs the existing child at all: only a parent that waits looks at it. */
export function readsExistingChild(child: ChildStart): boolean {
  return child.waits;
}

/**
 * The ending a step that ends run `run` delivers to the parent that waits for it, as a signal
 * to the parent's inbox (see CHILD_SIGNAL); undefined when the step does not end the run or no
 * parent waits.
 */
export function endingToParent(
  run: RunKey,
  parent: ParentLink | null,
  end: RunEnd | undefined,
): SignalToSend | undefined {
  if (end === undefined || parent === null || !parent.waits) return undefined;
  return {
    key: { namespace: run.namespace, workflow: parent.workflow, runId: parent.runId },
    signal: {
      signal: CHILD_SIGNAL,
      externalId: childEndingId(run),
      payloadText: childEndingText(end.status, end.resultText, end.errorText),
    },
  };
}

/**
 * The parent close policy, after Temporal's: when a run's iteration ends in any way (it
 * completes, fails by throwing, times out, is cancelled, or restarts), each child it still waits
 * for (runChild) is asked to cancel, as its own cancel or timeout always did; a child started
 * with startChild is not waited for and lives on (Temporal's ABANDON). Returns `waited` added to
 * the children the step asks to cancel already, each once.
 */
export function childrenToCancelOnEnd(asked: readonly RunKey[], waited: readonly RunKey[]): RunKey[] {
  const all = [...asked];
  const seen = new Set(asked.map(childEndingId));
  for (const key of waited) {
    if (seen.has(childEndingId(key))) continue;
    seen.add(childEndingId(key));
    all.push(key);
  }
  return all;
}
