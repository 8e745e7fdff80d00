import type { RunKey, Tags } from "../history/index.js";
import type {
  ChildStart,
  EventWaitRef,
  EventWaitToBegin,
  RequestWrite,
  SignalToSend,
  StreamAppend,
  TaskRetry,
  TokenToCreate,
} from "../store/types.js";

/** What one step changes besides its events, gathered while it runs and written with its commit. */
export interface StepChanges {
  /**
   * The wake_gen the step reads the inbox under. A poke during the step moves the actor's on,
   * but the commit must name this one, so the store sees what arrived since and wakes the run again.
   */
  readonly observedWakeGen: number;
  /** Retries that must wait, as rows of the tasks table. */
  readonly taskWrites: TaskRetry[];
  /** Rows of the tasks table of activities answered in this step. */
  readonly taskDeletes: { target: string; seq: number }[];
  readonly signalsConsumed: { id: number; seq: number }[];
  readonly childStarts: ChildStart[];
  readonly signalsSent: SignalToSend[];
  readonly cancelChildren: RunKey[];
  /** Tags the workflow set (ctx.setTags), in order. */
  readonly tagsSet: Tags[];
  /** Queue slot rows to delete (see ActivitySlots.dropped). */
  readonly slotDeletes: { target: string; seq: number }[];
  /** What became of the run's update and query requests (see RunRequests). */
  readonly requestWrites: RequestWrite[];
  readonly tokensCreated: TokenToCreate[];
  /** Tokens whose timeout the step delivered to their await. */
  readonly tokensExpired: string[];
  readonly eventWaits: EventWaitToBegin[];
  /** Event waits answered (an event, a timeout) or abandoned (the run ends, restarts or is cancelled). */
  readonly eventWaitsEnded: EventWaitRef[];
  /** The workflow's stream writes and closes, in order. */
  readonly streamWrites: StreamAppend[];
}

export function newStepChanges(observedWakeGen: number): StepChanges {
  return {
    observedWakeGen,
    taskWrites: [],
    taskDeletes: [],
    signalsConsumed: [],
    childStarts: [],
    signalsSent: [],
    cancelChildren: [],
    tagsSet: [],
    slotDeletes: [],
    requestWrites: [],
    tokensCreated: [],
    tokensExpired: [],
    eventWaits: [],
    eventWaitsEnded: [],
    streamWrites: [],
  };
}

/** True when the step changes anything besides events. */
export function changesBesidesEvents(step: StepChanges): boolean {
  return (
    step.taskWrites.length > 0 ||
    step.taskDeletes.length > 0 ||
    step.signalsConsumed.length > 0 ||
    step.childStarts.length > 0 ||
    step.signalsSent.length > 0 ||
    step.cancelChildren.length > 0 ||
    step.tagsSet.length > 0 ||
    step.slotDeletes.length > 0 ||
    step.requestWrites.length > 0 ||
    step.tokensCreated.length > 0 ||
    step.tokensExpired.length > 0 ||
    step.eventWaits.length > 0 ||
    step.eventWaitsEnded.length > 0 ||
    step.streamWrites.length > 0
  );
}
