/**
 * Errors of the `replaykit` binary. Each carries a `code`, the exit code it ends the command
 * with, and a message that says what was wrong and how to fix it.
 */

import { ReplayError } from "@replaykit/runtime";
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

/** Options of the web inspector that would make it unsafe or unusable (an empty token, no Host names). */
export class InspectorOptionsError extends ReplayError {
  override name = "InspectorOptionsError";
  constructor(message: string) {
    super("INVALID_ARGUMENT", message);
  }
}

/** The database did not answer a page's reads in time: the inspector answers 503 instead of hanging. */
export class DatabaseTimeoutError extends ReplayError {
  override name = "DatabaseTimeoutError";
  readonly timeoutMs: number;
  constructor(timeoutMs: number) {
    super(
      "DATABASE_UNREACHABLE",
      `the database did not answer within ${timeoutMs} ms (frozen, overloaded or cut off); reload the page once it answers again`,
    );
    this.timeoutMs = timeoutMs;
  }
}
