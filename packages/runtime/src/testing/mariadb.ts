import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createConnection } from "mysql2/promise";
import { collectStderr, stopChild } from "./child.js";
import { MariaDbNotInstalledError, MariaDbStartError } from "./errors.js";

/** A database server for tests and demos: either one we started, or the one in `REPLAY_MYSQL_URL`. */
export interface TestDatabase {
  /** `mysql://root@127.0.0.1:PORT/` (no database selected). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** PID of the server we started; undefined when `REPLAY_MYSQL_URL` was used. */
  readonly pid: number | undefined;
  /** Data directory of the server we started. */
  readonly dataDir: string | undefined;
  /** Ends the server we started (by PID) and removes its data directory. A no-op for an external server. */
  stop(): Promise<void>;
}

export interface StartMariaDbOptions {
  /** Ignore `REPLAY_MYSQL_URL` and always start a server. */
  readonly forceLocal?: boolean;
  /** Keep the data directory on stop (for restart tests). */
  readonly dataDir?: string;
  /** Port to listen on; a free one is chosen when absent. */
  readonly port?: number;
  /** How long to wait for the server to answer, in ms. Default 30 s. */
  readonly timeoutMs?: number;
  /** Extra `mariadbd` arguments. */
  readonly args?: readonly string[];
}

const SERVER_BINARIES = ["mariadbd", "mysqld"];
const SEARCH_DIRS = ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin", "/usr/libexec"];

/** Finds the MariaDB server binary, or undefined. */
export function findMariaDbBinary(): string | undefined {
  for (const dir of SEARCH_DIRS) {
    for (const name of SERVER_BINARIES) {
      const path = join(dir, name);
      if (existsSync(path)) return path;
    }
  }
  return undefined;
}

function findInstallDb(serverBinary: string): string {
  for (const dir of SEARCH_DIRS) {
    for (const name of ["mariadb-install-db", "mysql_install_db"]) {
      const path = join(dir, name);
      if (existsSync(path)) return path;
    }
  }
  throw new MariaDbNotInstalledError(`found ${serverBinary} but not mariadb-install-db`);
}

/** A free TCP port on 127.0.0.1, chosen by the kernel. */
/**
 * A free loopback port for a server to listen on. Drawn below the kernel's range of ephemeral
 * ports: a port the kernel picked (listen on 0) may be handed to an outgoing connection before
 * the server binds it (a Galera node then failed with "Address already in use"). Ports handed
 * out here are not handed out again by this process.
 */
export async function freePort(): Promise<number> {
  const low = ephemeralLow();
  for (let attempt = 0; attempt < 100 && low > FIRST_PORT + 100; attempt++) {
    const port = FIRST_PORT + Math.floor(Math.random() * (low - FIRST_PORT));
    if (handedOut.has(port)) continue;
    if (await canListen(port)) {
      handedOut.add(port);
      return port;
    }
  }
  return listenOn(0);
}

const FIRST_PORT = 10_000;
const handedOut = new Set<number>();

/** The first port of the kernel's ephemeral range (Linux), or the IANA one elsewhere. */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 0 ? low : 49_152;
  } catch {
    return 49_152;
  }
}

async function canListen(port: number): Promise<boolean> {
  return listenOn(port).then(
    () => true,
    () => false,
  );
}

function listenOn(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      const bound = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(bound));
    });
  });
}

/**
 * Starts a throwaway MariaDB on a free loopback port with a fresh data directory,
 * or returns the server named by `REPLAY_MYSQL_URL` without starting anything.
 *
 * @example
 * const db = await startMariaDb();
 * try { ... db.url ... } finally { await db.stop(); }
 */
export async function startMariaDb(options: StartMariaDbOptions = {}): Promise<TestDatabase> {
  const external = process.env.REPLAY_MYSQL_URL;
  if (external && !options.forceLocal) return externalDatabase(external);

  const server = findMariaDbBinary();
  if (!server) throw new MariaDbNotInstalledError("no mariadbd or mysqld binary on this machine");

  const ownsDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), "replaykit-mariadb-")));
  // A private tmpdir: servers started side by side must not share temporary table files.
  await mkdir(join(dataDir, "tmp"), { recursive: true });
  let child: ChildProcess | undefined;
  let port = 0;
  try {
    if (!existsSync(join(dataDir, "mysql"))) await initialiseDataDir(server, dataDir);
    port = options.port ?? (await freePort());
    child = spawn(server, serverArgs(dataDir, port, options.args ?? []), {
      stdio: ["ignore", "ignore", "pipe"],
      detached: false,
    });
    await waitUntilAnswering(child, port, options.timeoutMs ?? 30_000, collectStderr(child));
  } catch (error) {
    child?.kill("SIGKILL");
    if (ownsDir) await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const started = child;
  const stop = async (): Promise<void> => {
    await stopChild(started);
    if (ownsDir) await rm(dataDir, { recursive: true, force: true });
  };
  return {
    url: `mysql://root@127.0.0.1:${port}/`,
    host: "127.0.0.1",
    port,
    pid: started.pid,
    dataDir,
    stop,
  };
}

function externalDatabase(url: string): TestDatabase {
  const parsed = new URL(url);
  return {
    url,
    host: parsed.hostname,
    port: Number(parsed.port || 3306),
    pid: undefined,
    dataDir: undefined,
    stop: async () => {},
  };
}

/** Runs mariadb-install-db without blocking the event loop, so Ctrl-C handlers still run. */
export async function initialiseDataDir(server: string, dataDir: string, user = "root"): Promise<void> {
  const installDb = findInstallDb(server);
  const args = [
    "--no-defaults",
    `--datadir=${dataDir}`,
    `--tmpdir=${join(dataDir, "tmp")}`,
    "--auth-root-authentication-method=normal",
    "--skip-test-db",
    `--user=${user}`,
  ];
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(installDb, args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", (exitCode) => resolve({ code: exitCode, output }));
  });
  if (code !== 0) throw new MariaDbStartError(`${installDb} failed (exit ${code})`, output);
}

function serverArgs(dataDir: string, port: number, extra: readonly string[]): string[] {
  return [
    "--no-defaults",
    `--datadir=${dataDir}`,
    `--port=${port}`,
    "--bind-address=127.0.0.1",
    `--socket=${join(dataDir, "mysqld.sock")}`,
    `--pid-file=${join(dataDir, "mysqld.pid")}`,
    `--tmpdir=${join(dataDir, "tmp")}`,
    "--user=root",
    "--character-set-server=utf8mb4",
    "--collation-server=utf8mb4_general_ci",
    "--skip-log-bin",
    "--max-connections=1000",
    "--innodb-buffer-pool-size=256M",
    "--innodb-log-file-size=256M",
    "--max-allowed-packet=64M",
    ...extra,
  ];
}

async function waitUntilAnswering(
  child: ChildProcess,
  port: number,
  timeoutMs: number,
  stderr: { text: string },
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.once("exit", () => {
    exited = true;
  });
  for (;;) {
    if (exited) throw new MariaDbStartError(`mariadbd exited before answering on port ${port}`, stderr.text);
    try {
      const connection = await createConnection({ host: "127.0.0.1", port, user: "root" });
      await connection.end();
      return;
    } catch {
      if (Date.now() > deadline) {
        throw new MariaDbStartError(`mariadbd did not answer on 127.0.0.1:${port} within ${timeoutMs} ms`, stderr.text);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
