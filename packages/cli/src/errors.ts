/**
 * Errors of the `replaykit` binary. Each carries a `code`, the exit code it ends the command
 * with, and a message that says what was wrong and how to fix it.
 */

/** Exit codes of `replaykit` (documented in its --help and the README). */
export const EXIT = {
  ok: 0,
  /** The command ran, but the thing it names does not exist or refused the change. */
  refused: 1,
  /** Bad flags or arguments, or no database / namespace given. */
  usage: 2,
  /** The database could not be reached, or an unexpected error. */
  failed: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The command line asks for something impossible (a missing flag, an unreadable value). */
export class CliUsageError extends Error {
  override name = "CliUsageError";
  readonly code = "CLI_USAGE";
  readonly exitCode: ExitCode = EXIT.usage;
}

/** The command could not do what it was asked: the run or schedule is missing, or refused the change. */
export class CliRefusedError extends Error {
  override name = "CliRefusedError";
  readonly code = "CLI_REFUSED";
  readonly exitCode: ExitCode = EXIT.refused;
}
