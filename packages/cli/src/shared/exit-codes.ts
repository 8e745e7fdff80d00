/**
 * The exit codes of both binaries, and what each means to each (their --help prints the table
 * below). 1 is "the command ran and found a problem": a stale or invalid file for replaygen, a
 * missing run or a refused change for replaykit.
 */
export const EXIT = {
  ok: 0,
  /** replaygen: a generated file is stale (--check), or a manifest has errors. */
  staleOrInvalid: 1,
  /** replaykit: the run or schedule does not exist, or refused the change. */
  refused: 1,
  /** Bad flags or arguments, or no database / namespace given; for replaygen also an internal error. */
  usage: 2,
  /** replaykit: the database could not be reached, or an unexpected error. */
  failed: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

const MEANINGS: Readonly<Record<"replaygen" | "replaykit", readonly (readonly [ExitCode, string])[]>> = {
  replaygen: [
    [EXIT.ok, "ok"],
    [EXIT.staleOrInvalid, "stale generated files (--check) or manifest errors (file:line:col: message)"],
    [EXIT.usage, "usage or internal error"],
  ],
  replaykit: [
    [EXIT.ok, "ok"],
    [EXIT.refused, "the run or schedule does not exist, or refused the change (not stuck, ended, sent before)"],
    [EXIT.usage, "usage: a bad flag or value, no database, no namespace"],
    [EXIT.failed, "the database could not be reached, or an unexpected error"],
  ],
};

/** The "Exit codes:" section of a binary's --help. */
export function exitCodesHelp(binary: keyof typeof MEANINGS): string {
  return ["Exit codes:", ...MEANINGS[binary].map(([code, meaning]) => `  ${code}  ${meaning}`)].join("\n");
}
