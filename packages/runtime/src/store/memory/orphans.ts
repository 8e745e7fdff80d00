import type { RunKey } from "../../history/index.js";
import type { OrphanedSignal } from "../types.js";
import { type MemoryTables, pathOf, type SignalRowM, signalKey } from "./tables.js";

/** See ClientStore.listOrphanedSignals. */
export function listOrphanedSignals(db: MemoryTables, namespace: string, limit: number): OrphanedSignal[] {
  const orphans = orphanInboxes(db, namespace).flatMap(([key, inbox]) =>
    inbox.map((row) => ({
      workflow: key.workflow,
      runId: key.runId,
      signal: row.signal,
      externalId: row.externalId,
      createdAt: new Date(row.createdAt),
      id: row.id,
    })),
  );
  orphans.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id);
  return orphans.slice(0, limit).map(({ id: _id, ...orphan }) => orphan);
}

/** See ClientStore.purgeOrphanedSignals. */
export function purgeOrphanedSignals(db: MemoryTables, namespace: string, before: number): number {
  let purged = 0;
  for (const [key, inbox] of orphanInboxes(db, namespace)) {
    const kept = inbox.filter((row) => row.createdAt >= before);
    for (const row of inbox) {
      if (row.createdAt < before) db.signalKeys.delete(signalKey(key, row.signal, row.externalId));
    }
    purged += inbox.length - kept.length;
    db.signals.set(pathOf(key), kept);
    // Their offloaded messages go too (this store keeps no write time of its payloads).
    if (kept.length === 0) db.payloads.delete(pathOf(key));
  }
  return purged;
}

/** Inboxes of the namespace whose run does not exist. */
function orphanInboxes(db: MemoryTables, namespace: string): [RunKey, SignalRowM[]][] {
  const found: [RunKey, SignalRowM[]][] = [];
  for (const [path, key] of db.inboxRuns) {
    if (key.namespace !== namespace || db.run(key) !== undefined) continue;
    found.push([key, db.signals.get(path) ?? []]);
  }
  return found;
}
