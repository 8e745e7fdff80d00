import { ReplayError, type ReplayErrorCode } from "@replaykit/runtime";
import { CliRefusedError, CliUsageError } from "../shared/errors.js";
import { EXIT, type ExitCode } from "../shared/exit-codes.js";
import type { ReplaykitIo } from "./io.js";

const REFUSED = new Set<ReplayErrorCode>(["RUN_NOT_FOUND", "RUN_NOT_RESUMABLE", "SCHEDULE_NOT_FOUND"]);

/** Prints why a command failed and returns its exit code (see EXIT). */
export function reportFailure(error: unknown, io: ReplaykitIo): ExitCode {
  if (error instanceof CliUsageError || error instanceof CliRefusedError) {
    io.err(`replaykit: ${error.message}`);
    return error.exitCode;
  }
  if (error instanceof ReplayError) {
    io.err(`replaykit: ${error.message}`);
    if (REFUSED.has(error.code)) return EXIT.refused;
    return error.code.startsWith("INVALID_") ? EXIT.usage : EXIT.failed;
  }
  const errno = (error as { errno?: unknown } | null)?.errno;
  if (errno === 1146) {
    io.err(
      `replaykit: ${(error as Error).message}: this database has no replaykit tables with that prefix; check --db and --table-prefix (default replay_), or migrate with client.migrate()`,
    );
    return EXIT.failed;
  }
  io.err(`replaykit: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return EXIT.failed;
}
