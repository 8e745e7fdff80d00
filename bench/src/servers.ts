import { rmSync } from "node:fs";
import { startMariaDb, type TestDatabase } from "@replaykit/runtime/testing";
import { type PostgresServer, startPostgres } from "./postgres.js";

/**
 * A buffer pool that holds W6's preloaded tables (1.1 million runs with their events and indexes)
 * besides what the other workloads write: the working set, as the docs ask users to size theirs.
 */
export const MARIADB_ARGS = ["--innodb-buffer-pool-size=4G"] as const;

/** Servers this process started; stopped on every way out (normal end, error, Ctrl-C), also mid-start. */
export class Servers {
  mariaDb: TestDatabase | undefined;
  postgres: PostgresServer | undefined;
  readonly #starting: Promise<unknown>[] = [];
  #stopping: Promise<void> | undefined;

  /** A throwaway MariaDB configured as docs/configuration.md tells users to ("Sizing the server's memory"). */
  startMariaDb(): Promise<TestDatabase> {
    return this.#track(startMariaDb({ args: MARIADB_ARGS }), (db) => {
      this.mariaDb = db;
    });
  }

  startPostgres(): Promise<PostgresServer> {
    return this.#track(startPostgres(), (server) => {
      this.postgres = server;
    });
  }

  /** Remembers a start in flight, so that a stop waits for it and then stops what it started. */
  #track<T>(start: Promise<T>, keep: (server: T) => void): Promise<T> {
    if (this.#stopping) return Promise.reject(new Error("stopping: no new servers"));
    const started = start.then((server) => {
      keep(server);
      return server;
    });
    this.#starting.push(started);
    return started;
  }

  /** Idempotent: every caller waits for the same shutdown. */
  stop(): Promise<void> {
    this.#stopping ??= Promise.allSettled(this.#starting)
      .then(() => Promise.allSettled([this.mariaDb?.stop(), this.postgres?.stop()]))
      .then(() => {
        this.mariaDb = undefined;
        this.postgres = undefined;
      });
    return this.#stopping;
  }

  /** Last resort from process.on("exit"): kill by PID and remove data directories, synchronously. */
  stopSync(): void {
    this.postgres?.stopSync();
    const maria = this.mariaDb;
    if (maria?.pid !== undefined) {
      try {
        process.kill(maria.pid, "SIGKILL");
      } catch {
        // already gone
      }
      if (maria.dataDir) rmSync(maria.dataDir, { recursive: true, force: true });
    }
  }
}
