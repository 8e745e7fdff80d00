import { RunNotFoundError } from "../../errors.js";
import type { RunKey } from "../../history/index.js";
import { forkCreation } from "../rules/fork.js";
import { resumption } from "../rules/resume.js";
import type { ForkRequest } from "../types.js";
import type { MemoryTables } from "./tables.js";

/** See ClientStore.resumeRun; the rule is resumption (rules/resume.ts). */
export function resumeRun(db: MemoryTables, key: RunKey, codeVersion: string | undefined, now: number): void {
  const run = db.run(key);
  const resumed = resumption(key, run, codeVersion, now);
  if (run === undefined) return;
  Object.assign(run, resumed.set);
  db.appendEvent(run, resumed.event);
  db.changed(true);
}

/** See ClientStore.forkRun; the layout is forkCreation's (rules/fork.ts). */
export function forkRun(db: MemoryTables, request: ForkRequest): boolean {
  const { source } = request;
  const from = db.run(source);
  if (from === undefined) throw new RunNotFoundError(source.namespace, source.workflow, source.runId);
  const events = from.events.filter((event) => event.iteration === from.iteration);
  const created = db.insertRun(forkCreation({ ...from, events }, request)) !== undefined;
  db.changed(created);
  return created;
}
