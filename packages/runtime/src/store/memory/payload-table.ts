import type { RunKey } from "../../history/index.js";
import type { PayloadStore } from "../../payload/payload-store.js";
import { type MemoryTables, pathOf } from "./tables.js";

/** tablePayloadStore() in memory: copies of the bytes by run and id; purgeRuns drops a run's with it. */
export function memoryPayloadTable(db: MemoryTables): PayloadStore {
  return {
    description: "the in-memory payload table",
    async put(ref, bytes) {
      let run = db.payloads.get(pathOf(ref));
      if (run === undefined) {
        run = new Map();
        db.payloads.set(pathOf(ref), run);
      }
      run.set(ref.id, Uint8Array.from(bytes));
    },
    async get(ref) {
      const bytes = db.payloads.get(pathOf(ref))?.get(ref.id);
      return bytes === undefined ? undefined : Uint8Array.from(bytes);
    },
    async delete(run: RunKey) {
      db.payloads.delete(pathOf(run));
    },
  };
}
