import type { SerializedError } from "../errors.js";
import { decodeEvent, type HistoryEvent, type RecordedEvent, type RunKey } from "../history/index.js";
import { decodePayload } from "../json.js";
import type { RunInfo, RunInspection, StreamEvent } from "../store/records.js";
import type { InboxSignal, ScheduleInfo, TaskRow } from "../store/types.js";
import { EncodedValue, holdsEncoded } from "./encoded.js";

/*
 * The records a store returns, with the encoded payloads in them decoded: a store decodes a
 * payload column into an EncodedValue when it holds encoded nodes (see decodePayload) and hands
 * payload text over as it is; these turn both into what the payload stood for. A record without
 * encoded payloads is returned as it is.
 */

/** What decoding a payload needs: see PayloadPipeline.decode. */
export interface PayloadReader {
  /** The payload text that stored text stands for; `reader` is the run whose row it is. */
  decode(text: string, reader: RunKey | undefined): Promise<string>;
}

/** The value of a decoded payload column (an EncodedValue is decoded; anything else is the value already). */
export async function openValue(
  payloads: PayloadReader,
  value: unknown,
  reader: RunKey | undefined,
  where: string,
): Promise<unknown> {
  if (!(value instanceof EncodedValue)) return value;
  return decodePayload(await payloads.decode(value.text, reader), where);
}

/** Payload text as the engine reads it (signals, heartbeats, last errors). */
export async function openText<T extends string | null | undefined>(
  payloads: PayloadReader,
  text: T,
  reader: RunKey | undefined,
): Promise<T> {
  if (typeof text !== "string" || !holdsEncoded(text)) return text;
  return (await payloads.decode(text, reader)) as T;
}

export async function openRun(payloads: PayloadReader, run: RunInfo): Promise<RunInfo> {
  const { input, result, error } = run;
  if (![input, result, error].some((value) => value instanceof EncodedValue)) return run;
  const where = `run ${run.namespace}/${run.workflow}/${run.runId}`;
  return {
    ...run,
    input: await openValue(payloads, input, run, `${where} input`),
    ...(result === undefined ? {} : { result: await openValue(payloads, result, run, `${where} result`) }),
    ...(error === undefined
      ? {}
      : { error: (await openValue(payloads, error, run, `${where} error`)) as SerializedError }),
  };
}

/** An event of replay history: its stored text decoded, and its payload decoded from that. */
export async function openRecorded(payloads: PayloadReader, event: RecordedEvent, key: RunKey): Promise<RecordedEvent> {
  const text = event.payloadText;
  if (typeof text !== "string" || !holdsEncoded(text)) return event;
  return decodeEvent({ ...event, payloadText: await payloads.decode(text, key) }, whereOf(event, key));
}

/** An event as getHistory returns it (no stored text: its payload is an EncodedValue when it was encoded). */
export async function openHistoryEvent(
  payloads: PayloadReader,
  event: HistoryEvent,
  key: RunKey,
): Promise<HistoryEvent> {
  if (!(event.payload instanceof EncodedValue)) return event;
  const payloadText = await payloads.decode(event.payload.text, key);
  const { payloadText: _, ...decoded } = decodeEvent({ ...event, payloadText }, whereOf(event, key));
  return decoded as HistoryEvent;
}

export async function openStreamEvent(payloads: PayloadReader, event: StreamEvent): Promise<StreamEvent> {
  if (!(event.payload instanceof EncodedValue)) return event;
  const where = `event ${event.type} ${event.target}#${event.seq} of run ${event.runId}`;
  return { ...event, payload: await openValue(payloads, event.payload, event, where) };
}

export async function openSignals(
  payloads: PayloadReader,
  signals: InboxSignal[],
  key: RunKey,
): Promise<InboxSignal[]> {
  return Promise.all(
    signals.map(async (signal) => ({ ...signal, payloadText: await openText(payloads, signal.payloadText, key) })),
  );
}

export async function openTasks(payloads: PayloadReader, tasks: TaskRow[], key: RunKey): Promise<TaskRow[]> {
  return Promise.all(
    tasks.map(async (task) =>
      task.heartbeat == null ? task : { ...task, heartbeat: await openText(payloads, task.heartbeat, key) },
    ),
  );
}

export async function openInspection(payloads: PayloadReader, inspection: RunInspection): Promise<RunInspection> {
  const key = inspection.run;
  return {
    ...inspection,
    run: await openRun(payloads, inspection.run),
    tasks: await Promise.all(
      inspection.tasks.map(async (task) => ({ ...task, lastError: await openText(payloads, task.lastError, key) })),
    ),
    inbox: await Promise.all(
      inspection.inbox.map(async (entry) => ({
        ...entry,
        payloadText: await openText(payloads, entry.payloadText, key),
      })),
    ),
  };
}

export async function openSchedule(payloads: PayloadReader, schedule: ScheduleInfo): Promise<ScheduleInfo> {
  if (!(schedule.input instanceof EncodedValue)) return schedule;
  const input = await openValue(payloads, schedule.input, undefined, `input of schedule ${schedule.id}`);
  return { ...schedule, input };
}

function whereOf(event: { type: string; target: string; seq: number }, key: RunKey): string {
  return `event ${event.type} ${event.target}#${event.seq} of run ${key.runId}`;
}
