import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { createConnection, type RowDataPacket } from "mysql2/promise";
import { collectStderr, stopChild } from "./child.js";
import { MariaDbStartError } from "./errors.js";

/** The loopback ports of one node: clients, group communication, incremental and full state transfer. */
export interface NodePorts {
  readonly client: number;
  readonly gcomm: number;
  readonly ist: number;
  readonly sst: number;
}

/** What every node of one test cluster shares. */
export interface ClusterSpec {
  readonly server: string;
  readonly provider: string;
  /** gcomm://host:port,... of every node. */
  readonly address: string;
  /** Who the servers run as: rsync state transfer refuses to run as root. */
  readonly account: { readonly uid: number; readonly gid: number } | undefined;
  readonly extraArgs: readonly string[];
}

/** One mariadbd of a test cluster, which can be SIGKILLed and started again on its data directory. */
export class GaleraNodeProcess {
  readonly index: number;
  readonly dir: string;
  readonly ports: NodePorts;
  readonly #spec: ClusterSpec;
  #child: ChildProcess | undefined;
  #stderr: { text: string } = { text: "" };

  constructor(index: number, dir: string, ports: NodePorts, spec: ClusterSpec) {
    this.index = index;
    this.dir = dir;
    this.ports = ports;
    this.#spec = spec;
  }

  get dataDir(): string {
    return join(this.dir, "data");
  }

  get pid(): number | undefined {
    return this.running ? this.#child?.pid : undefined;
  }

  get running(): boolean {
    const child = this.#child;
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  get url(): string {
    return `mysql://root@127.0.0.1:${this.ports.client}/`;
  }

  /**
   * Starts the server and resolves once it is synced with the cluster. The first node of a
   * new cluster bootstraps it; a node whose data directory has a recorded position (it ran
   * before) recovers that position first, so it can catch up by incremental state transfer.
   */
  async start(options: { readonly bootstrap: boolean; readonly timeoutMs: number }): Promise<void> {
    const position = options.bootstrap ? undefined : await this.#recoverPosition();
    const extra = [
      ...(options.bootstrap ? ["--wsrep-new-cluster"] : []),
      ...(position ? [`--wsrep-start-position=${position}`] : []),
    ];
    const child = this.#spawn(extra);
    this.#child = child;
    this.#stderr = collectStderr(child);
    await this.#waitSynced(child, options.timeoutMs);
  }

  /** SIGKILL, as a crash: no shutdown, no state saved. Resolves once the process is gone. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGKILL");
    await exited;
  }

  /** A clean shutdown (SIGTERM, then SIGKILL after 30 s). */
  async stop(): Promise<void> {
    if (this.#child) await stopChild(this.#child, { graceMs: 30_000 });
  }

  #spawn(extra: readonly string[]): ChildProcess {
    const account = this.#spec.account;
    return spawn(this.#spec.server, [...this.#args(), ...extra], {
      stdio: ["ignore", "ignore", "pipe"],
      ...(account ? { uid: account.uid, gid: account.gid } : {}),
    });
  }

  #args(): string[] {
    const { gcomm, ist, sst, client } = this.ports;
    const dir = this.dir;
    return [
      // mariadbd reads option files unless this comes first.
      "--no-defaults",
      `--datadir=${this.dataDir}`,
      `--port=${client}`,
      "--bind-address=127.0.0.1",
      `--socket=${join(dir, "mysqld.sock")}`,
      `--pid-file=${join(dir, "mysqld.pid")}`,
      `--tmpdir=${join(dir, "tmp")}`,
      "--character-set-server=utf8mb4",
      "--collation-server=utf8mb4_general_ci",
      "--max-connections=1000",
      "--innodb-buffer-pool-size=128M",
      "--max-allowed-packet=64M",
      // What Galera requires: row-based replication, InnoDB, interleaved auto-increment locks.
      "--binlog-format=ROW",
      "--default-storage-engine=InnoDB",
      "--innodb-autoinc-lock-mode=2",
      "--wsrep-on=ON",
      `--wsrep-provider=${this.#spec.provider}`,
      "--wsrep-cluster-name=replaykit-test",
      `--wsrep-cluster-address=${this.#spec.address}`,
      `--wsrep-node-address=127.0.0.1:${gcomm}`,
      `--wsrep-node-name=node${this.index}`,
      "--wsrep-sst-method=rsync",
      `--wsrep-sst-receive-address=127.0.0.1:${sst}`,
      `--wsrep-provider-options=${providerOptions(gcomm, ist)}`,
      ...this.#spec.extraArgs,
    ];
  }

  /**
   * What `galera_recovery` does before a restart: read the last committed position from InnoDB.
   * A recovery that does not end within RECOVER_TIMEOUT_MS is killed, and the node then starts
   * without a position: it gets a full state transfer instead of an incremental one. (An index
   * on a virtual column once made it loop forever; see migration 11.)
   */
  async #recoverPosition(): Promise<string | undefined> {
    const child = this.#spawn(["--wsrep-recover", "--skip-networking", `--socket=${join(this.dir, "recover.sock")}`]);
    const stderr = collectStderr(child, 64_000);
    const timer = setTimeout(() => child.kill("SIGKILL"), RECOVER_TIMEOUT_MS);
    const code = await new Promise<number | null>((resolve) => child.once("exit", (exitCode) => resolve(exitCode)));
    clearTimeout(timer);
    const position = /Recovered position:\s*([0-9a-f-]+:-?\d+)/.exec(stderr.text)?.[1];
    if (code !== 0 || position === undefined || position.endsWith(":-1")) return undefined;
    return position;
  }

  async #waitSynced(child: ChildProcess, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new MariaDbStartError(`galera node ${this.index} exited before it synced`, this.#stderr.text);
      }
      if (await this.#isSynced()) return;
      if (Date.now() > deadline) {
        throw new MariaDbStartError(
          `galera node ${this.index} did not sync within ${timeoutMs} ms on 127.0.0.1:${this.ports.client}`,
          this.#stderr.text,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async #isSynced(): Promise<boolean> {
    try {
      const conn = await createConnection({ host: "127.0.0.1", port: this.ports.client, user: "root" });
      try {
        const [rows] = await conn.query<RowDataPacket[]>(
          "SHOW STATUS WHERE Variable_name IN ('wsrep_local_state_comment', 'wsrep_ready')",
        );
        const status = new Map(rows.map((row) => [String(row.Variable_name), String(row.Value)]));
        return status.get("wsrep_local_state_comment") === "Synced" && status.get("wsrep_ready") === "ON";
      } finally {
        await conn.end();
      }
    } catch {
      return false;
    }
  }
}

/** How long `--wsrep-recover` may take (it takes about a second) before the node starts without a position. */
const RECOVER_TIMEOUT_MS = 60_000;

/**
 * Loopback ports for group communication and incremental transfer; a write-set cache big
 * enough that a restarted node catches up by incremental transfer; and a dead node suspected after 3 s and dropped after 6 s (defaults 5 s and 15 s), so the
 * survivors resume writing sooner. Shorter would risk evicting a node that a loaded 2-core
 * machine merely starved for a moment.
 */
function providerOptions(gcomm: number, ist: number): string {
  return [
    `gmcast.listen_addr=tcp://127.0.0.1:${gcomm}`,
    `ist.recv_addr=127.0.0.1:${ist}`,
    "gcache.size=256M",
    "evs.suspect_timeout=PT3S",
    "evs.inactive_timeout=PT6S",
  ].join(";");
}
