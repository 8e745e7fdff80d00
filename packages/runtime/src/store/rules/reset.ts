import { RunNotFoundError } from "../../errors.js";
import {
  CHILD_SIGNAL,
  type ChildResponse,
  childEndingId,
  EventType,
  eventsBeforeStep,
  isStep,
  newEvent,
  type RunKey,
  RunStatus,
  type SignalResponse,
  type UpdateAccepted,
} from "../../history/index.js";
import { RequestStatus } from "../request-records.js";
import { readPayload, reusedHistory, type SourceEvent } from "./fork.js";
import type { PlacedEvent } from "./new-run.js";
import { wakeUnlessPaused } from "./pause.js";

/** What resetting reads of a run: its row, and the events of its current iteration. */
export interface ResettableRun {
  readonly status: string;
  readonly iteration: number;
  readonly version: number;
  /** The current iteration's input. */
  readonly inputText: string | null;
  readonly codeVersion: string | null;
  readonly seedIteration: number | null;
  readonly paused: boolean;
  readonly events: readonly SourceEvent[];
}

export interface ResetRequest {
  /** The first step executed again (numbered as forkRun's fromStep). */
  readonly toStep: number;
  /** Re-pin the run to this code version; undefined: keep its own. */
  readonly codeVersion?: string | undefined;
  readonly now: number;
}

/** The run's state after a reset, the new iteration's first events, and which inbox rows stay consumed. */
export interface Resetting {
  readonly set: {
    readonly iteration: number;
    readonly status: RunStatus;
    /** One up: the step of a worker still running the old iteration is refused (the fence). */
    readonly version: number;
    readonly nextPos: number;
    readonly wakeAt: number | null;
    readonly leaseOwner: null;
    readonly leaseUntil: null;
    readonly resultText: null;
    readonly errorText: null;
    readonly cancelRequested: false;
    readonly codeVersion: string | null;
    readonly seedIteration: number;
    readonly wantedActivity: null;
    readonly stalls: 0;
    readonly stallMark: false;
    readonly updatedAt: number;
  };
  readonly events: readonly PlacedEvent[];
  /**
   * The iteration reset from: its retry rows, queue slots and event waits are deleted, its events
   * kept. Its tokens stay its own (completing one is refused: the run moved on), and an event
   * wait the new iteration copies without its event ends at its timeout, as in a fork.
   */
  readonly from: number;
  /**
   * The inbox rows the old iteration consumed in the steps that were copied, which stay
   * consumed; every other row it consumed is returned to the inbox, so the new iteration reads
   * those signals (and child endings) again, in their order of arrival.
   */
  readonly keptConsumed: { readonly signalIds: readonly number[]; readonly childEndings: readonly string[] };
  /** The ids of the updates the copied steps accepted (see reopensRequest). */
  readonly keptUpdates: readonly string[];
}

/**
 * See Client.resetRun: the same run starts a new iteration (the next number) with the current
 * iteration's input, reusing its steps before `toStep` with their results (reusedHistory, as a
 * fork does) and continuing its ctx.random() stream, whatever its status: stuck, failed,
 * terminated, completed, cancelled or running. A running run is taken over under the fence: its
 * version moves on and its lease is cleared, so a worker still running the old iteration has its
 * next commit refused. A `reset` event (no position) opens the new iteration; the old one stays
 * readable with getHistory({ iteration }). Throws RunNotFoundError.
 */
export function resetting(key: RunKey, run: ResettableRun | undefined, request: ResetRequest): Resetting {
  if (run === undefined) throw new RunNotFoundError(key.namespace, key.workflow, key.runId);
  const { toStep, now } = request;
  const iteration = run.iteration + 1;
  const reused = reusedHistory(iteration, run.inputText ?? "null", run.events, toStep, now);
  const seedIteration = run.seedIteration ?? run.iteration;
  const version = request.codeVersion ?? null;
  const marker = newEvent.reset({ iteration: run.iteration, toStep, version, seedIteration }, now);
  const copied = eventsBeforeStep(run.events, toStep);
  return {
    set: {
      iteration,
      status: RunStatus.Running,
      version: run.version + 1,
      nextPos: reused.nextPos,
      wakeAt: wakeUnlessPaused(run.paused, now),
      leaseOwner: null,
      leaseUntil: null,
      resultText: null,
      errorText: null,
      cancelRequested: false,
      codeVersion: request.codeVersion ?? run.codeVersion,
      seedIteration,
      wantedActivity: null,
      stalls: 0,
      stallMark: false,
      updatedAt: now,
    },
    events: [...reused.events, { iteration, pos: null, event: marker }],
    from: run.iteration,
    keptConsumed: consumedBy(copied),
    keptUpdates: acceptedBy(copied),
  };
}

/** The update ids that copied update_accepted events took up. */
function acceptedBy(copied: readonly SourceEvent[]): string[] {
  return copied
    .filter((event) => event.type === EventType.UpdateAccepted)
    .map((event) => (readPayload(event) as UpdateAccepted).updateId);
}

/**
 * Whether a reset gives a request of the run back to the new iteration (its status goes back to
 * "requested", so the new iteration takes it up again, in order of arrival, as it reads the
 * signals that go back to the inbox): an update accepted by the old iteration in a step that was
 * not copied, whose handler had not finished. An update accepted in a copied step stays accepted
 * (the new iteration replays its acceptance and runs its handler again, and its outcome is
 * written once). Requests not taken up yet stay requested; settled ones keep their outcome (an
 * update id applies once, and its caller has its answer); the reset never ends a request.
 */
export function reopensRequest(
  kept: Resetting["keptUpdates"],
  request: { readonly kind: string; readonly requestId: string; readonly status: string },
): boolean {
  return request.kind === "update" && request.status === RequestStatus.Accepted && !kept.includes(request.requestId);
}

/** The inbox rows that copied signal and child responses consumed. */
function consumedBy(copied: readonly SourceEvent[]): Resetting["keptConsumed"] {
  const signalIds: number[] = [];
  const childEndings: string[] = [];
  for (const event of copied) {
    if (event.type === EventType.SignalResponse) {
      const response = readPayload(event) as SignalResponse;
      if ("signalId" in response) signalIds.push(response.signalId);
    } else if (event.type === EventType.ChildResponse) {
      const response = readPayload(event) as ChildResponse;
      childEndings.push(childEndingId({ workflow: event.target, runId: response.runId }));
    }
  }
  return { signalIds, childEndings };
}

/** Whether an inbox row consumed by the old iteration stays consumed after the reset (see keptConsumed). */
export function staysConsumed(
  kept: Resetting["keptConsumed"],
  row: { readonly id: number; readonly signal: string; readonly externalId: string },
): boolean {
  return row.signal === CHILD_SIGNAL ? kept.childEndings.includes(row.externalId) : kept.signalIds.includes(row.id);
}

/**
 * The step a bulk reset goes back to when none is given: the first step whose result is a
 * failure (an activity that failed for good, a child that did not complete), or, when none
 * failed (a stuck run), the number of steps, so every recorded step is reused and the new
 * iteration replays them all with the code deployed now.
 */
export function firstFailingStep(events: readonly SourceEvent[]): number {
  const ordered = events.filter((event) => event.pos !== null && event.pos > 0);
  ordered.sort((a, b) => (a.pos ?? 0) - (b.pos ?? 0));
  const stepOf = new Map<string, number>();
  let steps = 0;
  for (const event of ordered) {
    if (isStep(event.type)) stepOf.set(`${event.target}#${event.seq}/${event.type}`, steps++);
    else if (failed(event)) {
      const step = stepOf.get(`${event.target}#${event.seq}/${requestOf(event.type)}`);
      if (step !== undefined) return step;
    }
  }
  return steps;
}

function failed(event: SourceEvent): boolean {
  if (event.type === EventType.ActivityResponse) return "error" in (readPayload(event, "{}") as object);
  if (event.type !== EventType.ChildResponse) return false;
  return (readPayload(event) as ChildResponse).status !== "completed";
}

function requestOf(type: EventType): EventType {
  return type === EventType.ActivityResponse ? EventType.ActivityRequest : EventType.ChildRequest;
}
