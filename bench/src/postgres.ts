import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { chownSync, existsSync, readdirSync, rmSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { collectStderr, freePort, stopChild } from "@replaykit/runtime/testing";
import pg from "pg";
import { log } from "./log.js";

/** A throwaway PostgreSQL server on a loopback port, owned by this process. */
export interface PostgresServer {
  /** `postgresql://postgres@127.0.0.1:PORT/postgres` */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly dataDir: string;
  /** The URL of database `name` on this server. */
  urlOf(name: string): string;
  /** Fast shutdown by PID, then removes the data directory. Idempotent. */
  stop(): Promise<void>;
  /** Best effort from a `process.on("exit")` handler: SIGKILL and remove, synchronously. */
  stopSync(): void;
}

export class PostgresStartError extends Error {
  override readonly name = "PostgresStartError";
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(`${message}\n${output.trim().split("\n").slice(-15).join("\n")}`);
  }
}

const BIN_DIRS_GLOB_ROOT = "/usr/lib/postgresql";

/** The directory holding initdb and postgres: PATH first, then /usr/lib/postgresql/<newest>/bin. */
export function findPostgresBinDir(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    if (dir && existsSync(join(dir, "initdb")) && existsSync(join(dir, "postgres"))) return dir;
  }
  if (!existsSync(BIN_DIRS_GLOB_ROOT)) return undefined;
  const versions = readdirSync(BIN_DIRS_GLOB_ROOT)
    .filter((v) => existsSync(join(BIN_DIRS_GLOB_ROOT, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  const newest = versions[0];
  return newest === undefined ? undefined : join(BIN_DIRS_GLOB_ROOT, newest, "bin");
}

/** Installs the Debian `postgresql` package when no server binaries are found. */
export function ensurePostgresInstalled(): string {
  const found = findPostgresBinDir();
  if (found) return found;
  if (process.getuid?.() !== 0) {
    throw new PostgresStartError(
      "PostgreSQL is not installed and this process is not root",
      "install it (sudo apt-get install -y postgresql) or put initdb/postgres on PATH, then rerun",
    );
  }
  log("postgres: not found, running apt-get install -y postgresql (once)");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const install = () => spawnSync("apt-get", ["install", "-y", "postgresql"], { encoding: "utf8", env });
  let result = install();
  if (result.status !== 0) {
    spawnSync("apt-get", ["update"], { encoding: "utf8", env });
    result = install();
  }
  const dir = findPostgresBinDir();
  if (result.status !== 0 || !dir) {
    throw new PostgresStartError(
      "apt-get install -y postgresql failed; install PostgreSQL by hand and rerun",
      `${result.stderr}${result.stdout}`,
    );
  }
  return dir;
}

interface RunAs {
  readonly uid?: number;
  readonly gid?: number;
}

/** PostgreSQL refuses to run as root: as root, run it as the `postgres` user. */
function serverUser(): RunAs {
  if (process.getuid?.() !== 0) return {};
  try {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    return { uid, gid };
  } catch {
    throw new PostgresStartError(
      "running as root but there is no `postgres` user to run the server as",
      "create one (useradd --system postgres) or install the postgresql package, then rerun",
    );
  }
}

/**
 * Starts PostgreSQL with a fresh data directory (initdb, trust auth) on a free loopback port,
 * with default durability (fsync on, synchronous_commit on).
 */
export async function startPostgres(options: { readonly timeoutMs?: number } = {}): Promise<PostgresServer> {
  const binDir = ensurePostgresInstalled();
  const user = serverUser();
  const dataDir = await mkdtemp(join(tmpdir(), "replaykit-bench-pg-"));
  if (user.uid !== undefined && user.gid !== undefined) chownSync(dataDir, user.uid, user.gid);
  const removeDir = () => rmSync(dataDir, { recursive: true, force: true });

  const init = spawnSync(
    join(binDir, "initdb"),
    ["-D", dataDir, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"],
    { encoding: "utf8", ...user, cwd: dataDir },
  );
  if (init.status !== 0) {
    removeDir();
    throw new PostgresStartError(`initdb failed (exit ${init.status})`, `${init.stderr}${init.stdout}`);
  }

  const port = await freePort();
  const child = spawn(join(binDir, "postgres"), serverArgs(dataDir, port), {
    stdio: ["ignore", "ignore", "pipe"],
    cwd: dataDir,
    ...user,
  });
  const output = collectStderr(child);
  const pid = child.pid;
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  try {
    if (pid === undefined) throw new PostgresStartError("could not spawn postgres", output.text);
    await waitUntilAnswering(child, url, options.timeoutMs ?? 30_000, output);
  } catch (error) {
    child.kill("SIGKILL");
    removeDir();
    throw error;
  }
  return serverHandle(child, pid, port, dataDir, removeDir);
}

function serverHandle(
  child: ChildProcess,
  pid: number,
  port: number,
  dataDir: string,
  removeDir: () => void,
): PostgresServer {
  let stopped = false;
  const urlOf = (name: string) => `postgresql://postgres@127.0.0.1:${port}/${name}`;
  return {
    url: urlOf("postgres"),
    port,
    pid,
    dataDir,
    urlOf,
    stop: async () => {
      if (stopped) return;
      // SIGINT is PostgreSQL's fast shutdown.
      await stopChild(child, { signal: "SIGINT", pid });
      removeDir();
      stopped = true;
    },
    stopSync: () => {
      if (stopped) return;
      stopped = true;
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
      removeDir();
    },
  };
}

function serverArgs(dataDir: string, port: number): string[] {
  return [
    "-D",
    dataDir,
    "-p",
    String(port),
    "-k",
    dataDir,
    "-c",
    "listen_addresses=127.0.0.1",
    "-c",
    "max_connections=300",
    "-c",
    "shared_buffers=256MB",
  ];
}

async function waitUntilAnswering(
  child: ChildProcess,
  url: string,
  timeoutMs: number,
  output: { text: string },
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null)
      throw new PostgresStartError(`postgres exited (${child.exitCode}) before answering`, output.text);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query("SELECT 1");
      return;
    } catch {
      if (Date.now() > deadline)
        throw new PostgresStartError(`postgres did not answer at ${url} within ${timeoutMs} ms`, output.text);
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await client.end().catch(() => {});
    }
  }
}

/** Creates database `name` on the server. */
export async function createPgDatabase(server: PostgresServer, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  return server.urlOf(name);
}
