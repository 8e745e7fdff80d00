import type { ChildProcess } from "node:child_process";

/** Keeps the last `limit` characters a child wrote to stderr, for error messages. */
export function collectStderr(child: ChildProcess, limit = 8000): { text: string } {
  const out = { text: "" };
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    out.text = (out.text + chunk).slice(-limit);
  });
  return out;
}

/**
 * Ends a server process: `signal` (to `pid` when the server runs under another process,
 * e.g. runuser), then SIGKILL after `graceMs`. Resolves once the child has exited.
 */
export async function stopChild(
  child: ChildProcess,
  options: { readonly signal?: NodeJS.Signals; readonly pid?: number; readonly graceMs?: number } = {},
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const signal = options.signal ?? "SIGTERM";
  if (options.pid === undefined) child.kill(signal);
  else process.kill(options.pid, signal);
  const timer = setTimeout(() => child.kill("SIGKILL"), options.graceMs ?? 10_000);
  await exited;
  clearTimeout(timer);
}
