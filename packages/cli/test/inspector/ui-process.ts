import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { BINARY } from "../replaykit/fixture.js";

export interface UiProcess {
  readonly url: string;
  readonly token: string;
  stop(): Promise<void>;
}

/** Starts `replaykit ui --port 0 --json` (and `more` arguments) on the database and reads the URL and token it prints. */
export async function startUi(
  databaseUrl: string,
  more: readonly string[] = [],
  env: Record<string, string> = {},
): Promise<UiProcess> {
  const child = spawn(process.execPath, [BINARY, "ui", "--port", "0", "--json", "--namespace", "shop", ...more], {
    env: { ...process.env, ...env, REPLAY_MYSQL_URL: databaseUrl },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr += String(chunk);
  });
  const first = await firstLine(child);
  if (first === undefined) throw new Error(`replaykit ui printed nothing; its stderr:\n${stderr}`);
  const { url, token } = JSON.parse(first) as { url: string; token: string };
  return { url, token, stop: () => stop(child) };
}

function firstLine(child: ChildProcess): Promise<string | undefined> {
  return new Promise((resolve) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.once("line", (line) => {
      lines.close();
      resolve(line);
    });
    child.once("exit", () => resolve(undefined));
  });
}

/** SIGTERM (the ui closes its server and client), then waits for the process to end. */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}
