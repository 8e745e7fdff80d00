import type { Presence } from "../types.js";
import type { MemoryTables } from "./tables.js";

/** See EngineStore.holdPresence: present while any handle of `owner` is open. */
export function holdPresence(db: MemoryTables, owner: string): Presence {
  db.present.set(owner, (db.present.get(owner) ?? 0) + 1);
  let open = true;
  return {
    close: async () => {
      if (!open) return;
      open = false;
      const left = (db.present.get(owner) ?? 1) - 1;
      if (left > 0) db.present.set(owner, left);
      else db.present.delete(owner);
    },
  };
}
