import type { ReplayErrorCode } from "./error-codes.js";

/** Base class of every error the runtime throws: a stable `code` for programs, a message for people. */
export class ReplayError extends Error {
  override name = "ReplayError";
  readonly code: ReplayErrorCode;
  constructor(code: ReplayErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
