import type { Pool } from "mysql2/promise";
import type { RunKey } from "../../history/index.js";
import type { PayloadRef, PayloadStore } from "../../payload/payload-store.js";
import type { Row } from "./rows.js";

/** The largest chunk of a payload one statement carries, unless the server's packets are smaller still. */
const CHUNK_BYTES = 1024 * 1024;

const PK = "namespace = ? AND workflow = ? AND run_id = ?";

/** What the table needs of its store. */
export interface PayloadTableHost {
  /** Runs `work`, mapping database errors as the store's other calls do. */
  guard<T>(work: () => Promise<T>): Promise<T>;
  /** How many bytes one statement may carry (see packet.ts). */
  budget(): Promise<number>;
}

/**
 * tablePayloadStore() on MySQL: the payloads table (schema migration 12). Bytes travel as
 * prepared-statement parameters (binary, not hex-escaped text), a chunk per row of at most 1 MiB
 * and at most what the server takes in one packet; a put of the same payload again writes
 * nothing (INSERT IGNORE on the same id and chunks). purgeRuns deletes a run's rows in its own
 * transaction; `delete` is for a run deleted otherwise.
 */
export class MySqlPayloadTable implements PayloadStore {
  readonly description = "the payloads table";
  readonly #pool: Pool;
  readonly #prefix: string;
  readonly #store: PayloadTableHost;

  constructor(pool: Pool, prefix: string, store: PayloadTableHost) {
    this.#pool = pool;
    this.#prefix = prefix;
    this.#store = store;
  }

  put(ref: PayloadRef, bytes: Uint8Array): Promise<void> {
    return this.#store.guard(async () => {
      const now = Date.now();
      const size = Math.min(CHUNK_BYTES, await this.#store.budget());
      for (let chunk = 0, start = 0; start < bytes.length || chunk === 0; chunk++, start += size) {
        const data = Buffer.from(bytes.buffer, bytes.byteOffset + start, Math.min(size, bytes.length - start));
        await this.#pool.execute(
          `INSERT IGNORE INTO ${this.#prefix}payloads (namespace, workflow, run_id, id, chunk, data, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
          [ref.namespace, ref.workflow, ref.runId, ref.id, chunk, data, now],
        );
      }
    });
  }

  get(ref: PayloadRef): Promise<Uint8Array | undefined> {
    return this.#store.guard(async () => {
      const [rows] = await this.#pool.execute<Row[]>(
        `SELECT data FROM ${this.#prefix}payloads WHERE ${PK} AND id = ? ORDER BY chunk`,
        [ref.namespace, ref.workflow, ref.runId, ref.id],
      );
      if (rows.length === 0) return undefined;
      const chunks = rows.map((row) => row.data as Buffer);
      return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
    });
  }

  delete(run: RunKey): Promise<void> {
    return this.#store.guard(async () => {
      await this.#pool.query(`DELETE FROM ${this.#prefix}payloads WHERE ${PK}`, [
        run.namespace,
        run.workflow,
        run.runId,
      ]);
    });
  }
}
