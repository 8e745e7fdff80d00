import {
  CHILD_SIGNAL,
  childEndingId,
  childEndingText,
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
 */
export function childStart(
  child: ChildStart,
  parent: ChildParent,
  existing: ExistingChild | undefined,
  now: number,
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
