import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { RunKey } from "../history/index.js";
import { type PayloadRef, type PayloadStore, runFolder } from "./payload-store.js";

/**
 * Offloaded payloads as files under `dir`: `<dir>/<run folder>/<sha256>`, the run folder being
 * the SHA-256 of the run's key (see runFolder). A file is written under a temporary name, synced
 * to disk, renamed, and the folder synced, so a reader never sees half of one and the step that
 * references it commits only after it is durable; a temporary file left by a killed process is in
 * its run's folder and goes with it when the run is purged.
 *
 * @example
 * const client = createClient({ pool }, { payloadStore: filePayloadStore("/var/lib/app/payloads") });
 */
export function filePayloadStore(dir: string): PayloadStore {
  const root = resolve(dir);
  const path = (ref: PayloadRef) => join(root, runFolder(ref), ref.id);
  return {
    description: `the directory ${root}`,
    async put(ref, bytes) {
      const folder = join(root, runFolder(ref));
      await mkdir(folder, { recursive: true });
      const temporary = join(folder, `.${ref.id}.${randomBytes(6).toString("hex")}.tmp`);
      await durably(temporary, "w", (file) => file.writeFile(bytes));
      await rename(temporary, path(ref));
      await durably(folder, "r", async () => {});
    },
    async get(ref) {
      try {
        return new Uint8Array(await readFile(path(ref)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw error;
      }
    },
    async delete(run: RunKey) {
      await rm(join(root, runFolder(run)), { recursive: true, force: true });
    },
  };
}

/** Runs `work` on the opened file, then syncs it to disk (a folder: its entries) before closing it. */
async function durably(
  path: string,
  flags: "w" | "r",
  work: (file: Awaited<ReturnType<typeof open>>) => Promise<void>,
): Promise<void> {
  const file = await open(path, flags);
  try {
    await work(file);
    await file.sync();
  } finally {
    await file.close();
  }
}
