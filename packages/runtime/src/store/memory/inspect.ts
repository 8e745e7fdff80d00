import type { RunKey } from "../../history/index.js";
import { compareNames } from "../compare.js";
import { INBOX_LIMIT, type RunInspection } from "../records.js";
import { decodeRunInfo } from "./decode.js";
import type { MemoryTables } from "./tables.js";

/** See ClientStore.inspectRun. */
export function inspectRun(db: MemoryTables, key: RunKey): RunInspection | undefined {
  const run = db.run(key);
  if (run === undefined) return undefined;
  const tasks = [...run.tasks.values()]
    .filter((task) => task.iteration === run.iteration)
    .sort((a, b) => compareNames(a.target, b.target) || a.seq - b.seq)
    .map(({ target, seq, attempt, readyAt, lastError }) => ({
      target,
      seq,
      attempt,
      readyAt,
      lastError: lastError || null,
    }));
  const inbox = db
    .inbox(key)
    .filter((row) => row.consumedIteration === null)
    .slice(0, INBOX_LIMIT)
    .map(({ id, signal, externalId, payloadText, createdAt }) => ({
      id,
      signal,
      externalId,
      payloadText,
      receivedAt: createdAt,
    }));
  const { leaseOwner, leaseUntil, wakeAt } = run;
  const parentWaits = run.parent?.waits === true;
  return { run: decodeRunInfo(run), leaseOwner, leaseUntil, wakeAt, parentWaits, tasks, inbox };
}
