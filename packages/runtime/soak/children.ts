import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, "..", "..", "..");

/** A soak worker process. */
export class SoakWorker {
  readonly identity: string;
  readonly #child: ChildProcess;
  readonly exited: Promise<number | null>;

  private constructor(identity: string, child: ChildProcess) {
    this.identity = identity;
    this.#child = child;
    this.exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
    // Warnings and errors of the worker go to our stderr, prefixed, so the soak's table stays readable on stdout.
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => process.stderr.write(chunk.replace(/^/gm, `[${identity}] `)));
  }

  static async start(url: string, identity: string): Promise<SoakWorker> {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(HERE, "worker.ts")], {
      cwd: REPO_ROOT,
      env: { ...process.env, SOAK_URL: url, SOAK_IDENTITY: identity },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const worker = new SoakWorker(identity, child);
    await new Promise<void>((resolve, reject) => {
      let out = "";
      child.stdout?.setEncoding("utf8");
      child.stdout?.on("data", (chunk: string) => {
        out += chunk;
        if (out.includes("SOAK_WORKER_READY")) resolve();
      });
      void worker.exited.then((code) => reject(new Error(`soak worker ${identity} exited (${code}) before it ran`)));
    });
    return worker;
  }

  /** Resident memory in MiB, read from /proc (Linux). */
  rssMiB(): number | undefined {
    return rssOf(this.#child.pid);
  }

  async terminate(): Promise<number | null> {
    this.#child.kill("SIGTERM");
    return this.exited;
  }

  async kill(): Promise<number | null> {
    this.#child.kill("SIGKILL");
    return this.exited;
  }
}

/** Resident memory of a process in MiB, or undefined when it cannot be read. */
export function rssOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return Number.isFinite(kib) ? kib / 1024 : undefined;
  } catch {
    return undefined;
  }
}
