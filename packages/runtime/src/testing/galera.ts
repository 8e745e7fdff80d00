import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { MariaDbNotInstalledError } from "./errors.js";
import { type ClusterSpec, GaleraNodeProcess, type NodePorts } from "./galera-node.js";
import { findMariaDbBinary, freePort, initialiseDataDir } from "./mariadb.js";

const run = promisify(execFile);

const PROVIDERS = [
  "/usr/lib/galera/libgalera_smm.so",
  "/usr/lib/libgalera_smm.so",
  "/usr/lib64/galera-4/libgalera_smm.so",
];

/** One node of a running test cluster. */
export interface GaleraNode {
  readonly index: number;
  /** `mysql://root@127.0.0.1:PORT/` (no database selected). */
  readonly url: string;
  readonly port: number;
  /** PID of its mariadbd; undefined while the node is down. */
  readonly pid: number | undefined;
  readonly running: boolean;
}

/** A MariaDB Galera cluster on loopback with throwaway data directories. */
export interface GaleraCluster {
  readonly nodes: readonly GaleraNode[];
  /** Every node's URL, in node order: `createClient({ uris })` takes them (with a database added). */
  readonly urls: readonly string[];
  /** SIGKILLs node `index` (a crash). Resolves once the process is gone. */
  kill(index: number): Promise<void>;
  /** Starts node `index` again on its data directory; resolves once it rejoined and synced. */
  restart(index: number): Promise<void>;
  /** Stops every node (by PID) and removes the data directories. */
  stop(): Promise<void>;
}

export interface StartGaleraOptions {
  /** Number of nodes; default 3 (the smallest cluster that keeps a majority when one dies). */
  readonly nodes?: number;
  /** How long each node may take to sync, in ms; default 120 s. */
  readonly timeoutMs?: number;
  /** Extra `mariadbd` arguments for every node. */
  readonly args?: readonly string[];
}

/**
 * Starts a Galera cluster of MariaDB servers on free loopback ports: the first node
 * bootstraps it, the others join one by one with a full state transfer (rsync). Needs the
 * Debian packages mariadb-server, galera-4 and rsync. As root, the servers run as the
 * `mysql` user, since rsync state transfer refuses to run as root.
 *
 * @example
 * const cluster = await startGaleraCluster();
 * try { ... cluster.urls ... await cluster.kill(1); await cluster.restart(1); } finally { await cluster.stop(); }
 */
export async function startGaleraCluster(options: StartGaleraOptions = {}): Promise<GaleraCluster> {
  const count = options.nodes ?? 3;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const server = findMariaDbBinary();
  if (!server) throw new MariaDbNotInstalledError("no mariadbd or mysqld binary on this machine");
  const provider = PROVIDERS.find((path) => existsSync(path));
  if (!provider)
    throw new MariaDbNotInstalledError("no Galera provider (libgalera_smm.so); apt-get install -y galera-4");
  const account = process.getuid?.() === 0 ? await mysqlAccount() : undefined;

  const base = await mkdtemp(join(tmpdir(), "replaykit-galera-"));
  const nodes: GaleraNodeProcess[] = [];
  try {
    const ports = await allocatePorts(count);
    const address = `gcomm://${ports.map((p) => `127.0.0.1:${p.gcomm}`).join(",")}`;
    const spec: ClusterSpec = { server, provider, address, account, extraArgs: options.args ?? [] };
    for (const [index, nodePorts] of ports.entries()) {
      nodes.push(new GaleraNodeProcess(index, join(base, `node${index}`), nodePorts, spec));
    }
    for (const node of nodes) {
      await mkdir(join(node.dataDir, "tmp"), { recursive: true });
      await mkdir(join(node.dir, "tmp"), { recursive: true });
    }
    // Owned by the servers' account before mariadb-install-db runs the server as it.
    if (account) await run("chown", ["-R", `${account.uid}:${account.gid}`, base]);
    await Promise.all(nodes.map((node) => initialise(server, node.dataDir, account)));
    if (account) await run("chown", ["-R", `${account.uid}:${account.gid}`, base]);
    for (const node of nodes) await node.start({ bootstrap: node.index === 0, timeoutMs });
  } catch (error) {
    await Promise.all(nodes.map((node) => node.kill()));
    await rm(base, { recursive: true, force: true });
    throw error;
  }
  return clusterOf(nodes, base, timeoutMs);
}

function clusterOf(nodes: readonly GaleraNodeProcess[], base: string, timeoutMs: number): GaleraCluster {
  const nodeAt = (index: number): GaleraNodeProcess => {
    const node = nodes[index];
    if (!node) throw new RangeError(`no galera node ${index}; the cluster has nodes 0..${nodes.length - 1}`);
    return node;
  };
  return {
    nodes: nodes.map((node) => ({
      index: node.index,
      url: node.url,
      port: node.ports.client,
      get pid() {
        return node.pid;
      },
      get running() {
        return node.running;
      },
    })),
    urls: nodes.map((node) => node.url),
    kill: (index) => nodeAt(index).kill(),
    restart: async (index) => {
      const node = nodeAt(index);
      if (node.running) throw new Error(`galera node ${index} is running; kill it before restarting it`);
      await node.start({ bootstrap: false, timeoutMs });
    },
    stop: async () => {
      // Joiners first: the last node to leave is the one a restart of the cluster would bootstrap from.
      for (const node of [...nodes].reverse()) await node.stop();
      await rm(base, { recursive: true, force: true });
    },
  };
}

async function allocatePorts(count: number): Promise<NodePorts[]> {
  const ports: NodePorts[] = [];
  for (let i = 0; i < count; i++) {
    ports.push({ client: await freePort(), gcomm: await freePort(), ist: await freePort(), sst: await freePort() });
  }
  return ports;
}

async function initialise(server: string, dataDir: string, account: { uid: number } | undefined): Promise<void> {
  // mariadb-install-db wants the account by name; as root the servers run as mysql.
  await initialiseDataDir(server, dataDir, account ? "mysql" : (process.env.USER ?? "root"));
  // Its temporary directory sits in the data directory, where a server would take it for a database.
  await rm(join(dataDir, "tmp"), { recursive: true, force: true });
}

async function mysqlAccount(): Promise<{ uid: number; gid: number }> {
  try {
    const uid = Number((await run("id", ["-u", "mysql"])).stdout.trim());
    const gid = Number((await run("id", ["-g", "mysql"])).stdout.trim());
    return { uid, gid };
  } catch {
    throw new MariaDbNotInstalledError(
      "running as root, the Galera nodes must run as the mysql user, and there is none (it comes with mariadb-server)",
    );
  }
}
