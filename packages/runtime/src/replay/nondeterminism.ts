import { NonDeterminismError } from "../errors.js";
import { EventType, payloadTextOf, type RecordedEvent } from "../history/index.js";
import { type CommandKind, requestTypeOf } from "./commands.js";

/** How an issued command reads in an error. */
export function describeIssued(kind: CommandKind, target: string, seq: number, inputText: string): string {
  return describe(requestTypeOf(kind), target, seq, inputText);
}

/** The code issued `issued` where the history recorded `recorded`. */
export function nonDeterminism(runId: string, recorded: RecordedEvent, issued: string): NonDeterminismError {
  return new NonDeterminismError(
    runId,
    recorded.target || recorded.type,
    recorded.seq,
    describeRecorded(recorded),
    issued,
  );
}

/** The code issued `issued` where the recorded iteration had already ended. */
export function afterEnd(runId: string, end: RecordedEvent, issued: string): NonDeterminismError {
  return new NonDeterminismError(
    runId,
    end.type,
    end.seq,
    `the iteration's end (${end.type}) at position ${String(end.pos)}`,
    issued,
  );
}

/** The history answers a command of `kind` that the code never issued. */
export function unrequested(runId: string, kind: CommandKind, completion: RecordedEvent): NonDeterminismError {
  return new NonDeterminismError(
    runId,
    completion.target || kind,
    completion.seq,
    `${completion.type} at position ${String(completion.pos)}`,
    `no ${requestTypeOf(kind)} for it`,
  );
}

/** The history accepted an update that the code registers no handler for (any more). */
export function unhandledUpdate(
  runId: string,
  update: { readonly name: string; readonly seq: number },
): NonDeterminismError {
  return new NonDeterminismError(
    runId,
    update.name,
    update.seq,
    `update_accepted ${update.name}#${update.seq}`,
    `no handler for update "${update.name}" (ctx.onUpdate) when the history reaches it`,
  );
}

function describe(type: string, target: string, seq: number, inputText: string): string {
  return `${type} ${target || "-"}#${seq} with ${truncate(inputText)}`;
}

/** How a recorded command reads in an error: a patch marker names its patch and what to do. */
function describeRecorded(recorded: RecordedEvent): string {
  const where = `at position ${String(recorded.pos)}`;
  if (recorded.type === EventType.Patched) {
    const id = JSON.stringify(recorded.target);
    return `patch marker ${id} ${where} (recorded by flow.patched(${id}), ctx.patched(${id}) in untyped code: keep that call, or make it flow.deprecatePatch(${id}) (ctx.deprecatePatch(${id})) until no run with the marker is left)`;
  }
  return `${describe(recorded.type, recorded.target, recorded.seq, payloadTextOf(recorded) ?? "null")} ${where}`;
}

function truncate(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
