import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { FromChild, StartMessage, ToChild } from "./worker-process.js";

const ENTRY = fileURLToPath(new URL("./worker-process.ts", import.meta.url));
const READY_TIMEOUT_MS = 60_000;

/** A worker process (worker-process.ts), forked with this process's loader flags (tsx). */
export class WorkerProcess {
  readonly child: ChildProcess;
  #listeners = new Set<(message: FromChild) => void>();
  #exited: Promise<void>;

  constructor(extraExecArgv: readonly string[] = []) {
    this.child = fork(ENTRY, [], {
      execArgv: [...process.execArgv, ...extraExecArgv],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.child.on("message", (message: FromChild) => {
      for (const listener of [...this.#listeners]) listener(message);
    });
    this.#exited = new Promise((resolve) => this.child.once("exit", () => resolve()));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  send(message: ToChild): void {
    this.child.send(message);
  }

  /** The next message for which `accept` returns true. */
  next<T extends FromChild>(accept: (message: FromChild) => message is T, timeoutMs = READY_TIMEOUT_MS): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#listeners.delete(listener);
        reject(new Error(`worker process ${this.pid}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (message: FromChild) => {
        if (!accept(message)) return;
        clearTimeout(timer);
        this.#listeners.delete(listener);
        resolve(message);
      };
      this.#listeners.add(listener);
    });
  }

  onMessage(listener: (message: FromChild) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async start(options: Omit<StartMessage, "type">): Promise<void> {
    const ready = this.next((m): m is Extract<FromChild, { type: "ready" }> => m.type === "ready");
    this.send({ type: "start", ...options });
    await ready;
  }

  /** Stops the worker and waits for the process to exit (killed if it takes too long). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.send({ type: "stop" });
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 20_000);
    await this.#exited;
    clearTimeout(timer);
  }
}
