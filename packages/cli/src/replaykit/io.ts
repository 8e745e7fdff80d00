import { createInterface } from "node:readline/promises";
/** Where `replaykit` writes and what it reads from its environment. */
export interface ReplaykitIo {
  /** Results: tables, JSON (stdout). */
  readonly out: (text: string) => void;
  /** Progress and errors (stderr). */
  readonly err: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Resolves when the process is asked to stop (Ctrl-C); used by long-running commands (`ui`). */
  readonly stopped?: Promise<void>;
  /** Asks a person a yes/no question (a destructive command without --yes); absent when no one can answer (no terminal). */
  readonly confirm?: (question: string) => Promise<boolean>;
  /** Rewrites one status line on stderr in place (a progress bar); absent when stderr is no terminal. */
  readonly status?: (line: string) => void;
}

export function processIo(): ReplaykitIo {
  const stopped = new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
  return {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    env: process.env,
    stopped,
    ...(process.stdin.isTTY && process.stderr.isTTY ? { confirm: askOnTerminal } : {}),
    // Back to the line's start and clear it: the bar is redrawn, never scrolled.
    ...(process.stderr.isTTY ? { status: (line: string) => process.stderr.write(`\r\u001b[K${line}`) } : {}),
  };
}

async function askOnTerminal(question: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}
