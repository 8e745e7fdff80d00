/**
 * Errors of the `replaykit` binary. Each carries a `code`, the exit code it ends the command
 * with, and a message that says what was wrong and how to fix it.
 */

import { EXIT, type ExitCode } from "./exit-codes.js";

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
