import { ReplayError } from "../../errors.js";
import { mergeTags } from "../../history/index.js";
import { fenceRefusal } from "../rules/fence.js";
import { runAfterStep, stepEvents } from "../rules/step-layout.js";
import { wakeAfterStep } from "../rules/wake.js";
import type { StepResult, StepWrite } from "../types.js";
import { reachOtherRuns } from "./children.js";
import { requestsRefusal, writeRequests } from "./requests.js";
import { deleteStepSlots } from "./slots.js";
import { writeStepStreams } from "./streams.js";
import { eventKey, type MemoryTables, type RunRow, taskKeyOf } from "./tables.js";
import { tokenRefusal, writeWaits } from "./waits.js";

/** See EngineStore.commit: each step fenced on its own, all of it written or none. */
export function commit(db: MemoryTables, steps: readonly StepWrite[]): StepResult[] {
  const results = steps.map((step) => commitOne(db, step));
  db.changed(results.some((result) => result.ok));
  return results;
}

function commitOne(db: MemoryTables, step: StepWrite): StepResult {
  const run = db.run(step.key);
  const refusal = fence(db, step, run);
  if (refusal !== undefined || run === undefined) return { ok: false, reason: refusal ?? "the run row is gone" };
  for (const event of stepEvents(step).events) db.appendEvent(run, event);
  writeStepStreams(db, run, step);
  writeTasks(run, step);
  writeRequests(run, step);
  for (const signal of step.signalsConsumed) {
    const row = db.inbox(run).find((candidate) => candidate.id === signal.id);
    if (row) {
      row.consumedIteration = step.iteration;
      row.consumedSeq = signal.seq;
    }
  }
  if (step.slotDeletes) deleteStepSlots(db, run, step.iteration, step.slotDeletes);
  if (step.tagsSet) run.tags = mergeTags(run.tags, ...step.tagsSet);
  // Before the wake time is chosen: events a wait looks back on wake the run (wake_gen).
  writeWaits(db, step);
  const after = runAfterStep(step);
  run.wakeAt = wakeAfterStep(step, run.wakeGen, run.paused);
  run.version = after.version;
  run.iteration = after.iteration;
  run.nextPos = after.nextPos;
  run.status = after.status ?? run.status;
  run.leaseOwner = after.leaseOwner;
  run.leaseUntil = after.leaseUntil;
  run.wantedActivity = after.wantedActivity;
  run.stalls = after.stalls;
  run.stallMark = after.stallMark;
  run.updatedAt = after.updatedAt;
  if (after.outcome) {
    run.resultText = after.outcome.resultText;
    run.errorText = after.outcome.errorText;
  }
  if (after.inputText !== undefined) {
    run.inputText = after.inputText;
    // The next iteration draws ctx.random() from its own stream.
    run.seedIteration = null;
  }
  const result = {
    ok: true as const,
    version: after.version,
    nextPos: after.nextPos,
    wakeGen: run.wakeGen,
    requestGen: run.requestGen,
    cancelRequested: run.cancelRequested,
    paused: run.paused,
  };
  // After the run row is updated, so a wake-up these give this run wins (as on MySQL).
  return { ...result, ...reachOtherRuns(db, step, run) };
}

/** The fence of every store, plus what the MySQL unique keys and signal check refuse. */
function fence(db: MemoryTables, step: StepWrite, run: RunRow | undefined): string | undefined {
  const refusal = fenceRefusal(step, run);
  if (refusal !== undefined || run === undefined) return refusal;
  for (const event of step.events) {
    if (db.eventKeys.has(eventKey(run, step.iteration, event))) return "an event of this step was already written";
  }
  const requests = requestsRefusal(run, step);
  if (requests !== undefined) return requests;
  const inbox = db.inbox(run);
  for (const signal of step.signalsConsumed) {
    const row = inbox.find((candidate) => candidate.id === signal.id);
    if (row === undefined || row.consumedIteration !== null) {
      throw new ReplayError("SIGNAL_CONSUMED_TWICE", `signal ${signal.id} of run ${run.runId} was consumed already`);
    }
  }
  return tokenRefusal(db, step);
}

function writeTasks(run: RunRow, step: StepWrite): void {
  for (const task of step.taskWrites) {
    // A heartbeat of the failed attempt may have written the row already (recordHeartbeat).
    const heartbeat = run.tasks.get(taskKeyOf(step.iteration, task))?.heartbeat ?? null;
    run.tasks.set(taskKeyOf(step.iteration, task), { ...task, iteration: step.iteration, heartbeat });
  }
  for (const task of step.taskDeletes) run.tasks.delete(taskKeyOf(step.iteration, task));
  if (step.end || step.restart) {
    for (const [key, task] of run.tasks) if (task.iteration === step.iteration) run.tasks.delete(key);
  }
}
