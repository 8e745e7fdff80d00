import { createHash } from "node:crypto";
import { ReplayError } from "../errors.js";
import type { RunKey } from "../history/index.js";

/** One offloaded payload of a run: its bytes are named by their SHA-256 (lowercase hex). */
export interface PayloadRef extends RunKey {
  readonly id: string;
}

/**
 * Where payloads larger than `offloadAbove` go: the event keeps a reference with their hash.
 * Bytes are written before the step that references them commits, so a reference never names
 * missing bytes; bytes of a step that never committed (a worker killed in between) are orphans,
 * which `delete` removes with their run when it is purged.
 *
 * Built in: tablePayloadStore() (the default: a table in the client's own database),
 * filePayloadStore(dir), s3PayloadStore({ ... }) (any S3-compatible service).
 */
export interface PayloadStore {
  /** For messages, e.g. "the directory /var/lib/payloads". */
  readonly description?: string;
  /** Stores the bytes under `ref`. Writing the same ref again is harmless (same id, same bytes). */
  put(ref: PayloadRef, bytes: Uint8Array): Promise<void>;
  /** The bytes stored under `ref`; undefined when there are none. */
  get(ref: PayloadRef): Promise<Uint8Array | undefined>;
  /** Deletes every payload of the run, referenced or orphaned: the run is being purged. */
  delete(run: RunKey): Promise<void>;
}

/** SHA-256 of bytes, lowercase hex: the id of an offloaded payload. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * The directory of a run's payloads in a file or object store: the SHA-256 of
 * "namespace/workflow/runId" (names contain no "/", so it is unambiguous). A digest, not the
 * names themselves: names may be 255 bytes of any UTF-8, longer than a file name may be.
 */
export function runFolder(run: RunKey): string {
  return createHash("sha256").update(`${run.namespace}/${run.workflow}/${run.runId}`).digest("hex");
}

/**
 * The payload store in the client's own database (a table of the MySQL store, a map of the
 * in-memory one): one database is still enough, and purging a run deletes its payloads in the
 * same transaction. It is the default; pass it to say so. Bound to a store by createClient or
 * createTestEnv: its methods are not called directly.
 */
export function tablePayloadStore(): PayloadStore {
  return new TablePayloadStore();
}

/** See tablePayloadStore: a marker that the client replaces with its store's own table. */
export class TablePayloadStore implements PayloadStore {
  readonly description = "the payload table of the client's database";
  put(): Promise<void> {
    return Promise.reject(unbound());
  }
  get(): Promise<Uint8Array | undefined> {
    return Promise.reject(unbound());
  }
  delete(): Promise<void> {
    return Promise.reject(unbound());
  }
}

function unbound(): ReplayError {
  return new ReplayError(
    "INVALID_ARGUMENT",
    "tablePayloadStore() stands for the payload table of a client's database: pass it to createClient({ payloadStore }) instead of calling it",
  );
}
