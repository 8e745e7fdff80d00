/** Where `replaykit` writes and what it reads from its environment. */
export interface ReplaykitIo {
  /** Results: tables, JSON (stdout). */
  readonly out: (text: string) => void;
  /** Progress and errors (stderr). */
  readonly err: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Resolves when the process is asked to stop (Ctrl-C); used by long-running commands (`ui`). */
  readonly stopped?: Promise<void>;
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
  };
}
