/** Where `replaygen` writes: stderr for progress and errors, stdout only for what was asked for (--help). */
export interface Io {
  readonly cwd: string;
  readonly err: (line: string) => void;
  /** Where --help goes, so `replaygen --help | head` works; stdout when not given. */
  readonly out?: ((line: string) => void) | undefined;
  /** Where generated results are cached between runs; none when undefined. */
  readonly cacheDir?: string | undefined;
}
