import { holdsUserData, type NewEvent, type RunKey } from "../history/index.js";
import type {
  ChildStart,
  RequestWrite,
  RunEnd,
  SignalToSend,
  StepWrite,
  StreamAppend,
  TaskRetry,
} from "../store/types.js";

/** What encoding a step's payloads needs: see PayloadPipeline. */
export interface PayloadWriter {
  /** True when `text` would be stored as it is: no codec, no secret field in it, not large. */
  passes(text: string): boolean;
  /** The stored text of payload text of run `owner` (its bytes offloaded under `owner` when large). */
  encode(text: string, owner: RunKey): Promise<string>;
}

/** The fields of a StepWrite that hold payload text, each encoded by encodeStep. */
type PayloadStepField =
  | "events"
  | "taskWrites"
  | "childStarts"
  | "signalsSent"
  | "end"
  | "restart"
  | "requestWrites"
  | "streamWrites";

/**
 * The fields of a StepWrite that hold no payload: they pass as they are. Every field of
 * StepWrite is here or in PayloadStepField, or this does not compile: a new field (an update's
 * outcome, a stream chunk) says here whether a client's codecs must encode it.
 */
export const CLEAR_STEP_FIELDS = {
  key: true,
  owner: true,
  iteration: true,
  expectedVersion: true,
  firstPos: true,
  taskDeletes: true,
  signalsConsumed: true,
  cancelChildren: true,
  observedWakeGen: true,
  seen: true,
  now: true,
  hasTaskRows: true,
  hold: true,
  wantedActivity: true,
  leaseUntil: true,
  wakeAt: true,
  // Tags are labels to search by, indexed as they are (see holdsUserData).
  tagsSet: true,
  slotDeletes: true,
  // Token ids and expiries, event names, keys and times: what the stores index and match on.
  tokensCreated: true,
  tokensExpired: true,
  eventWaits: true,
  eventWaitsEnded: true,
  refusePaused: true,
} as const satisfies Record<Exclude<keyof StepWrite, PayloadStepField>, true>;

/** True when every payload of the step is stored as it is (see PayloadWriter.passes). */
export function passes(step: StepWrite, writer: PayloadWriter): boolean {
  for (const text of payloadsOf(step)) if (!writer.passes(text)) return false;
  return true;
}

/** Every payload text of a step. */
function* payloadsOf(step: StepWrite): Generator<string> {
  for (const event of step.events) if (holdsUserData(event.type) && event.payloadText !== null) yield event.payloadText;
  for (const task of step.taskWrites) {
    yield task.lastError;
    if (task.heartbeat != null) yield task.heartbeat;
  }
  for (const child of step.childStarts) yield child.inputText;
  for (const sent of step.signalsSent) yield sent.signal.payloadText;
  if (step.end?.resultText != null) yield step.end.resultText;
  if (step.end?.errorText != null) yield step.end.errorText;
  if (step.restart) yield step.restart.inputText;
  for (const write of step.requestWrites ?? []) {
    for (const text of [write.inputText, write.resultText, write.errorText]) if (text !== null) yield text;
  }
  for (const write of step.streamWrites ?? []) if ("valueText" in write) yield write.valueText;
}

/**
 * The step with its payloads encoded (see PayloadPipeline.encode); the step itself when every
 * payload passes as it is, which is what a client without codecs does with small payloads.
 */
export async function encodeStep(step: StepWrite, writer: PayloadWriter): Promise<StepWrite> {
  if (passes(step, writer)) return step;
  const own = (text: string) => writer.encode(text, step.key);
  const [events, taskWrites, childStarts, signalsSent, end, restart, requestWrites, streamWrites] = await Promise.all([
    Promise.all(step.events.map((event) => encodeEvent(event, own))),
    Promise.all(step.taskWrites.map((task) => encodeTask(task, own))),
    Promise.all(step.childStarts.map((child) => encodeChild(child, writer))),
    Promise.all(step.signalsSent.map((sent) => encodeSignal(sent, writer))),
    step.end && encodeEnd(step.end, own),
    step.restart && own(step.restart.inputText).then((inputText) => ({ inputText })),
    Promise.all((step.requestWrites ?? []).map((write) => encodeRequestWrite(write, own))),
    step.streamWrites && encodeStreamAppends(step.streamWrites, own),
  ]);
  const changed = {
    events,
    taskWrites,
    childStarts,
    signalsSent,
    requestWrites,
    ...(streamWrites ? { streamWrites } : {}),
  };
  return { ...step, ...changed, ...(end ? { end } : {}), ...(restart ? { restart } : {}) };
}

async function encodeEvent(event: NewEvent, own: (text: string) => Promise<string>): Promise<NewEvent> {
  if (!holdsUserData(event.type) || event.payloadText === null) return event;
  return { ...event, payloadText: await own(event.payloadText) };
}

async function encodeTask(task: TaskRetry, own: (text: string) => Promise<string>): Promise<TaskRetry> {
  const heartbeat = task.heartbeat == null ? {} : { heartbeat: await own(task.heartbeat) };
  return { ...task, lastError: await own(task.lastError), ...heartbeat };
}

async function encodeChild(child: ChildStart, writer: PayloadWriter): Promise<ChildStart> {
  return { ...child, inputText: await writer.encode(child.inputText, child.key) };
}

async function encodeSignal(sent: SignalToSend, writer: PayloadWriter): Promise<SignalToSend> {
  return { ...sent, signal: { ...sent.signal, payloadText: await writer.encode(sent.signal.payloadText, sent.key) } };
}

async function encodeEnd(end: RunEnd, own: (text: string) => Promise<string>): Promise<RunEnd> {
  const [resultText, errorText] = await Promise.all([
    end.resultText === null ? null : own(end.resultText),
    end.errorText === null ? null : own(end.errorText),
  ]);
  return { ...end, resultText, errorText };
}

/** An update's input, result or error, and a query's answer, as a request's row keeps them. */
async function encodeRequestWrite(write: RequestWrite, own: (text: string) => Promise<string>): Promise<RequestWrite> {
  const [inputText, resultText, errorText] = await Promise.all(
    [write.inputText, write.resultText, write.errorText].map((text) => (text === null ? null : own(text))),
  );
  return { ...write, inputText: inputText ?? null, resultText: resultText ?? null, errorText: errorText ?? null };
}

/** Stream writes with each chunk's value encoded (a close carries none); shared by a step's and an activity's writes. */
export function encodeStreamAppends(
  appends: readonly StreamAppend[],
  own: (text: string) => Promise<string>,
): Promise<StreamAppend[]> {
  return Promise.all(
    appends.map(async (append) =>
      "valueText" in append ? { ...append, valueText: await own(append.valueText) } : append,
    ),
  );
}
