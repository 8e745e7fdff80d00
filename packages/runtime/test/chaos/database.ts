import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import {
  createScratchDatabase,
  freePort,
  type ScratchDatabase,
  startMariaDb,
  type TestDatabase,
} from "../../src/testing/index.js";

/** The chaos test's database: a MariaDB of its own that it may SIGKILL and restart, or REPLAY_MYSQL_URL's. */
export interface ChaosDatabase {
  readonly scratch: ScratchDatabase;
  /** False on an external server (REPLAY_MYSQL_URL): the database-kill step is skipped. */
  readonly killable: boolean;
  /** SIGKILLs the server and starts it again on the same data directory and port. Resolves once it answers. */
  killAndRestart(): Promise<void>;
  close(): Promise<void>;
}

export async function chaosDatabase(): Promise<ChaosDatabase> {
  if (process.env.REPLAY_MYSQL_URL) {
    const scratch = await createScratchDatabase(inject("mysqlUrl"), "chaos");
    return {
      scratch,
      killable: false,
      killAndRestart: async () => {
        throw new Error("the database is external (REPLAY_MYSQL_URL); it is not ours to kill");
      },
      close: () => scratch.drop(),
    };
  }
  const port = await freePort();
  const { dataDir, server: first } = await startFresh(port);
  let server = first;
  const scratch = await createScratchDatabase(server.url, "chaos");
  return {
    scratch,
    killable: true,
    async killAndRestart() {
      await sigkill(server);
      server = await restart(dataDir, port);
    },
    async close() {
      await scratch.drop().catch(() => {});
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Starts a server on a new data directory; twice at most, since mariadb-install-db can fail on a loaded machine. */
async function startFresh(port: number): Promise<{ dataDir: string; server: TestDatabase }> {
  for (let attempt = 1; ; attempt++) {
    const dataDir = await mkdtemp(join(tmpdir(), "replaykit-chaos-"));
    try {
      return { dataDir, server: await startMariaDb({ forceLocal: true, dataDir, port, timeoutMs: 60_000 }) };
    } catch (error) {
      await rm(dataDir, { recursive: true, force: true });
      if (attempt >= 2) throw error;
    }
  }
}

async function sigkill(server: TestDatabase): Promise<void> {
  const pid = server.pid;
  if (pid === undefined) throw new Error("the chaos database has no pid");
  process.kill(pid, "SIGKILL");
  const deadline = Date.now() + 30_000;
  while (isAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`mariadbd ${pid} still alive 30 s after SIGKILL`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts the server again; a few tries, since the port may take a moment to be free again. */
async function restart(dataDir: string, port: number): Promise<TestDatabase> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= 5; attempt++) {
    try {
      return await startMariaDb({ forceLocal: true, dataDir, port, timeoutMs: 60_000 });
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
  throw lastError;
}
