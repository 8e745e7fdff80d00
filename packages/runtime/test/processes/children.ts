import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CHILD_CONFIG_ENV, type ChildConfig, READY_LINE } from "./config.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const WORKER_MAIN = path.join(HERE, "worker-main.ts");
/** tsx resolves from the repository root's node_modules. */
const REPO_ROOT = path.resolve(HERE, "..", "..", "..", "..");
const LOG_TAIL_CHARS = 20_000;

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A worker process started by a test; every one is ended by `stopAllChildren`. */
export class WorkerProcess {
  readonly config: ChildConfig;
  readonly exited: Promise<Exit>;
  readonly #child: ChildProcess;
  #stderrTail = "";
  /** Lines of stderr that mention an unhandled rejection or exception. */
  readonly unhandled: string[] = [];
  /** How often each engine warning or error was logged (the message without its fields). */
  readonly logCounts = new Map<string, number>();
  /** The first full line of each kind in `logCounts`. */
  readonly logSamples = new Map<string, string>();

  private constructor(config: ChildConfig, child: ChildProcess) {
    this.config = config;
    this.#child = child;
    this.exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
    child.stderr?.setEncoding("utf8");
    let partial = "";
    child.stderr?.on("data", (chunk: string) => {
      this.#stderrTail = (this.#stderrTail + chunk).slice(-LOG_TAIL_CHARS);
      const lines = (partial + chunk).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        if (/Unhandled|unhandledRejection/.test(line)) this.unhandled.push(line);
        const message = /^replaykit \w+ \[[^\]]*\] (.*?)(?: \{.*)?$/.exec(line)?.[1];
        if (message) {
          const kind = message.replace(/\b(run|signal) \S+/g, "$1 …").replace(/\d+/g, "N");
          this.logCounts.set(kind, (this.logCounts.get(kind) ?? 0) + 1);
          if (!this.logSamples.has(kind)) this.logSamples.set(kind, line);
        }
      }
    });
    live.add(this);
    void this.exited.then(() => live.delete(this));
  }

  get identity(): string {
    return this.config.identity;
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** The last part of the child's stderr, for failure messages. */
  get stderr(): string {
    return this.#stderrTail;
  }

  /** Starts `worker-main.ts` and resolves once it printed that its worker runs. */
  static async start(config: ChildConfig, timeoutMs = 60_000): Promise<WorkerProcess> {
    const child = spawn(process.execPath, ["--import", "tsx", WORKER_MAIN], {
      cwd: REPO_ROOT,
      env: { ...process.env, [CHILD_CONFIG_ENV]: JSON.stringify(config) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const worker = new WorkerProcess(config, child);
    await worker.#ready(child, timeoutMs);
    return worker;
  }

  async #ready(child: ChildProcess, timeoutMs: number): Promise<void> {
    child.stdout?.setEncoding("utf8");
    let out = "";
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`worker ${this.identity} did not start within ${timeoutMs} ms:\n${this.#stderrTail}`));
      }, timeoutMs);
      child.stdout?.on("data", (chunk: string) => {
        out += chunk;
        if (out.includes(READY_LINE)) {
          clearTimeout(timer);
          resolve();
        }
      });
      void this.exited.then((exit) => {
        clearTimeout(timer);
        reject(
          new Error(`worker ${this.identity} exited (${JSON.stringify(exit)}) before starting:\n${this.#stderrTail}`),
        );
      });
    });
  }

  /** SIGKILL: the worker gets no chance to release anything. */
  async kill(): Promise<Exit> {
    this.#child.kill("SIGKILL");
    return this.exited;
  }

  /** SIGTERM: the worker stops gracefully and exits. */
  async terminate(): Promise<Exit> {
    this.#child.kill("SIGTERM");
    return this.exited;
  }
}

const live = new Set<WorkerProcess>();

/** SIGKILLs every worker process still running; for afterAll. */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...live].map((worker) => worker.kill()));
}
