import type { RunKey } from "../../history/index.js";
import type { NewRun } from "../client-store.js";
import {
  type NewRequest,
  type RequestArrival,
  type RequestState,
  RequestStatus,
  type StoredRequest,
} from "../request-records.js";
import { runCreation } from "../rules/new-run.js";
import { requestArrival, requestsAtEnd, requestWriteRefusal, runAfterRequest, withdrawal } from "../rules/requests.js";
import type { RunEnd, StepWrite } from "../step-write.js";
import { keyOf, type MemoryTables, type RequestRowM, type RunRow } from "./tables.js";

/** See ClientStore.addRequest; the rules are requestArrival and runAfterRequest. */
export function addRequest(db: MemoryTables, key: RunKey, request: NewRequest, now: number): RequestArrival {
  const run = db.run(key);
  const decision = requestArrival(key, request, run, run && stateOf(run.requests.get(request.requestId)));
  if (!decision.add) return { added: false, state: decision.state };
  if (run === undefined) throw new Error("unreachable: requestArrival refuses a run that does not exist");
  run.requests.set(request.requestId, {
    ...request,
    status: RequestStatus.Requested,
    resultText: null,
    errorText: null,
    createdAt: now,
    updatedAt: now,
  });
  Object.assign(run, runAfterRequest(run, now));
  run.updatedAt = now;
  db.changed(true);
  return { added: true };
}

/** See ClientStore.updateWithStart. */
export function updateWithStart(
  db: MemoryTables,
  run: NewRun,
  request: NewRequest,
): { created: boolean; arrival: RequestArrival } {
  const created = db.insertRun(runCreation(run)) !== undefined;
  return { created, arrival: addRequest(db, run.key, request, run.now) };
}

export function readRequest(db: MemoryTables, key: RunKey, requestId: string): RequestState | undefined {
  return stateOf(db.run(key)?.requests.get(requestId));
}

/** See ClientStore.withdrawRequest; the rule is withdrawal. */
export function withdrawRequest(db: MemoryTables, key: RunKey, requestId: string): RequestState | undefined {
  const run = db.run(key);
  const { deletes, state } = withdrawal(stateOf(run?.requests.get(requestId)));
  if (deletes) run?.requests.delete(requestId);
  return state;
}

export function forgetRequest(db: MemoryTables, key: RunKey, requestId: string): void {
  db.run(key)?.requests.delete(requestId);
}

/** See EngineStore.loadRequests. */
export function loadRequests(db: MemoryTables, key: RunKey): StoredRequest[] {
  const rows = [...(db.run(key)?.requests.values() ?? [])];
  return rows
    .filter((row) => row.status === RequestStatus.Requested)
    .map(({ requestId, kind, name, inputText, createdAt }) => ({
      requestId,
      kind,
      name,
      inputText: inputText ?? "null",
      createdAt,
    }));
}

/** Why the step's request writes may not be written (see requestWriteRefusal), or undefined. */
export function requestsRefusal(run: RunRow, step: StepWrite): string | undefined {
  for (const write of step.requestWrites ?? []) {
    const refusal = requestWriteRefusal(write, run.requests.get(write.requestId)?.status);
    if (refusal !== undefined) return refusal;
  }
  return undefined;
}

/**
 * Writes what the step did with the run's requests (after requestsRefusal passed), then, when
 * the step ends the run, settles every request still open (requestsAtEnd).
 */
export function writeRequests(run: RunRow, step: StepWrite): void {
  for (const write of step.requestWrites ?? []) {
    const row = run.requests.get(write.requestId);
    const outcome = { status: write.status, resultText: write.resultText, errorText: write.errorText };
    if (row !== undefined) Object.assign(row, outcome, { updatedAt: step.now });
    else if (write.from === undefined) {
      const { requestId, kind, name, inputText } = write;
      const fresh = { requestId, kind, name, inputText, ...outcome, createdAt: step.now, updatedAt: step.now };
      run.requests.set(write.requestId, fresh);
    }
  }
  if (step.end !== undefined) settleOpenRequests(run, step.end, step.now);
}

/** The run ended (a step, or a cancel before it ever ran): its requests still open are settled (requestsAtEnd). */
export function settleOpenRequests(run: RunRow, end: Pick<RunEnd, "status">, now: number): void {
  const atEnd = requestsAtEnd(keyOf(run), end);
  for (const row of run.requests.values()) {
    if (row.status === RequestStatus.Requested) Object.assign(row, atEnd.requested, { updatedAt: now });
    else if (row.status === RequestStatus.Accepted) Object.assign(row, atEnd.accepted, { updatedAt: now });
  }
}

function stateOf(row: RequestRowM | undefined): RequestState | undefined {
  if (row === undefined) return undefined;
  return { status: row.status, resultText: row.resultText, errorText: row.errorText };
}
