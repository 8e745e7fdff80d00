/** Where the CLI writes: stderr for progress and errors (stdout stays free for piping). */
export interface Io {
  readonly cwd: string;
  readonly err: (line: string) => void;
}

export const EXIT_OK = 0;
export const EXIT_STALE_OR_INVALID = 1;
export const EXIT_USAGE = 2;
