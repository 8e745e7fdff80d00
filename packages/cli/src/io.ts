/** Where the CLI writes: stderr for progress and errors, stdout only for what was asked for (--help). */
export interface Io {
  readonly cwd: string;
  readonly err: (line: string) => void;
  /** Where --help goes, so `replaygen --help | head` works; stdout when not given. */
  readonly out?: ((line: string) => void) | undefined;
  /** Where generated results are cached between runs; none when undefined. */
  readonly cacheDir?: string | undefined;
}

export const EXIT_OK = 0;
export const EXIT_STALE_OR_INVALID = 1;
export const EXIT_USAGE = 2;

/** `1 manifest`, `2 manifests`: messages name counts in words, never as "manifest(s)". */
export function counted(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}
