import { createHash } from "node:crypto";
import { type Connection, createConnection, type Pool, type RowDataPacket } from "mysql2/promise";
import type { Transaction } from "../../api.js";
import type { Presence } from "../types.js";
import { carriedOptions, connectionConfigOf } from "./lane.js";

/** Waits between attempts to take the presence lock again, in ms. */
const RETRY_FIRST_MS = 200;
const RETRY_MAX_MS = 5000;

/**
 * The named lock that says worker `owner` is alive. Lock names are limited to 64 characters,
 * and identities may be longer: the name is a hash of the table prefix and the owner.
 */
export function presenceLockName(prefix: string, owner: string): string {
  return `replaykit.${createHash("sha256").update(`${prefix}\0${owner}`).digest("hex").slice(0, 48)}`;
}

/**
 * A worker's presence: a named lock (GET_LOCK) held by a connection of its own while the worker
 * runs. The server lets go of it when that connection closes, which the operating system does
 * at once when the process dies, however it dies; a process whose event loop is frozen keeps
 * it. So a takeover asks IS_USED_LOCK whether the holder is frozen (present) or gone.
 *
 * The lock is local to one server: on a Galera cluster, a worker on another node looks gone,
 * so only freezes seen through the same node count (README, "Running on a cluster").
 */
export async function holdPresence(pool: Pool, prefix: string, owner: string): Promise<Presence> {
  const config = connectionConfigOf(pool);
  // A pool that is not mysql2's: no connection of our own can be made; the worker looks gone.
  if (config === undefined) return { close: async () => {} };
  const presence = new MySqlPresence(
    () => ({ ...carriedOptions(config), enableKeepAlive: true }),
    presenceLockName(prefix, owner),
  );
  await presence.attempt();
  return presence;
}

class MySqlPresence implements Presence {
  readonly #options: () => Record<string, unknown>;
  readonly #name: string;
  #conn: Connection | undefined;
  #closed = false;
  #retry: NodeJS.Timeout | undefined;
  #delay = RETRY_FIRST_MS;

  constructor(options: () => Record<string, unknown>, name: string) {
    this.#options = options;
    this.#name = name;
  }

  /** Connects and takes the lock; on failure, tries again later. Never throws. */
  async attempt(): Promise<void> {
    this.#retry = undefined;
    if (this.#closed) return;
    let conn: Connection | undefined;
    try {
      conn = await createConnection(this.#options());
      const held = conn;
      held.on("error", () => this.#lost(held));
      const [rows] = await held.query<RowDataPacket[]>("SELECT GET_LOCK(?, 0) AS got", [this.#name]);
      // 0: a connection of a process with the same identity holds it (another worker, or this
      // one's last connection that the server has not noticed is gone yet): try again later.
      if (Number(rows[0]?.got) !== 1) throw new Error("presence lock held elsewhere");
      if (this.#closed) {
        held.destroy();
        return;
      }
      this.#conn = held;
      this.#delay = RETRY_FIRST_MS;
    } catch {
      conn?.destroy();
      this.#later();
    }
  }

  #lost(conn: Connection): void {
    if (this.#conn !== conn) return;
    this.#conn = undefined;
    conn.destroy();
    this.#later();
  }

  #later(): void {
    if (this.#closed || this.#retry) return;
    this.#retry = setTimeout(() => void this.attempt(), this.#delay);
    this.#retry.unref?.();
    this.#delay = Math.min(this.#delay * 2, RETRY_MAX_MS);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    const conn = this.#conn;
    this.#conn = undefined;
    if (!conn) return;
    // Released before the connection ends, so that a claim right after sees the worker gone.
    await conn.query("SELECT RELEASE_LOCK(?)", [this.#name]).catch(() => {});
    await conn.end().catch(() => conn.destroy());
  }
}

/** Those of `owners` whose presence lock is held now (one round trip for all). */
export async function presentOwners(
  conn: Transaction,
  prefix: string,
  owners: readonly string[],
): Promise<Set<string>> {
  if (owners.length === 0) return new Set();
  const [rows] = await conn.query<RowDataPacket[]>(
    `SELECT ${owners.map((_, i) => `IS_USED_LOCK(?) AS u${i}`).join(", ")}`,
    owners.map((owner) => presenceLockName(prefix, owner)),
  );
  const row: Record<string, unknown> = rows[0] ?? {};
  return new Set(owners.filter((_, i) => row[`u${i}`] != null));
}
