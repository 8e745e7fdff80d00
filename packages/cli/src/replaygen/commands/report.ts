import { systemErrorMessage } from "../../shared/errors.js";
import { EXIT, type ExitCode } from "../../shared/exit-codes.js";
import { counted } from "../../shared/values.js";
import { loadCodegen } from "../codegen.js";
import type { Io } from "../io.js";

/** Prints a failure and returns its exit code: 1 for manifest problems, 2 for anything else. */
export async function reportFailure(error: unknown, io: Io): Promise<ExitCode> {
  const { CodegenError, ManifestErrors } = await loadCodegen();
  if (error instanceof ManifestErrors) {
    io.err(error.message);
    const them = error.errors.length === 1 ? "it" : "them";
    io.err(`replaygen: ${counted(error.errors.length, "problem")}; fix ${them} and run again`);
    return EXIT.staleOrInvalid;
  }
  if (error instanceof CodegenError) {
    io.err(`replaygen: ${error.message}`);
    return EXIT.usage;
  }
  const refused = systemErrorMessage(error);
  if (refused !== undefined) {
    io.err(
      `replaygen: the file system refused: ${refused}; check that each replay_gen.ts beside a manifest is a file replaygen may write`,
    );
    return EXIT.usage;
  }
  io.err(`replaygen: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return EXIT.usage;
}
