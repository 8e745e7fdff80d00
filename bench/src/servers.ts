import { rmSync } from "node:fs";
import { startMariaDb, type TestDatabase } from "@replaykit/runtime/testing";
import { type PostgresServer, startPostgres } from "./postgres.js";

/** Servers this process started; stopped on every way out (normal end, error, Ctrl-C), also mid-start. */
export class Servers {
  mariaDb: TestDatabase | undefined;
  postgres: PostgresServer | undefined;
  readonly #starting: Promise<unknown>[] = [];
  #stopping: Promise<void> | undefined;

  startMariaDb(): Promise<TestDatabase> {
    return this.#track(startMariaDb(), (db) => {
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
