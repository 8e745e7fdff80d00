import { ReplayError, type ReplayErrorCode } from "@replaykit/runtime";
import { CliRefusedError, CliUsageError, InspectorListenError, systemErrorMessage } from "../shared/errors.js";
import { EXIT, type ExitCode } from "../shared/exit-codes.js";
import { printable } from "./format/table.js";
import type { ReplaykitIo } from "./io.js";

const REFUSED = new Set<ReplayErrorCode>(["RUN_NOT_FOUND", "RUN_NOT_RESUMABLE", "SCHEDULE_NOT_FOUND"]);

/** Why a command failed: its code (a ReplayErrorCode, CLI_USAGE, CLI_REFUSED, INSPECTOR_LISTEN, SYSTEM, UNEXPECTED), the message, the exit code. */
export interface Failure {
  readonly code: string;
  readonly message: string;
  readonly exitCode: ExitCode;
}

/**
 * Prints why a command failed and returns its exit code (see EXIT): a line on stderr, or with
 * `json` one JSON object `{ ok: false, error: { code, name, message }, exitCode }`, so a
 * script reads the code instead of parsing the text. The line shows control characters escaped.
 */
export function reportFailure(error: unknown, io: ReplaykitIo, json = false): ExitCode {
  const failure = failureOf(error);
  if (json) {
    const name = error instanceof Error ? error.name : "Error";
    const body = {
      ok: false,
      error: { code: failure.code, name, message: failure.message },
      exitCode: failure.exitCode,
    };
    io.err(JSON.stringify(body));
  } else {
    io.err(printable(`replaykit: ${failure.message}`));
  }
  return failure.exitCode;
}

export function failureOf(error: unknown): Failure {
  if (error instanceof CliUsageError || error instanceof CliRefusedError || error instanceof InspectorListenError) {
    return { code: error.code, message: error.message, exitCode: error.exitCode };
  }
  if (error instanceof ReplayError) {
    const exitCode = REFUSED.has(error.code)
      ? EXIT.refused
      : error.code.startsWith("INVALID_")
        ? EXIT.usage
        : EXIT.failed;
    return { code: error.code, message: error.message, exitCode };
  }
  const errno = (error as { errno?: unknown } | null)?.errno;
  if (errno === 1146) {
    return {
      code: "SCHEMA_NOT_MIGRATED",
      message: `${(error as Error).message}: this database has no replaykit tables with that prefix; check --db and --table-prefix (default replay_), or migrate with client.migrate()`,
      exitCode: EXIT.failed,
    };
  }
  const refused = systemErrorMessage(error);
  if (refused !== undefined) {
    return { code: "SYSTEM", message: `the operating system refused: ${refused}`, exitCode: EXIT.failed };
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return { code: "UNEXPECTED", message: `unexpected error: ${detail}`, exitCode: EXIT.failed };
}
