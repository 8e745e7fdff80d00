import { ReplayError } from "../../errors.js";

/** The default table name prefix. */
export const DEFAULT_PREFIX = "replay_";

const PREFIX_PATTERN = /^[A-Za-z0-9_]{0,32}$/;

/** Checks a table prefix; it is pasted into SQL, so only [A-Za-z0-9_]{0,32} is allowed. */
export function validatePrefix(prefix: unknown): string {
  if (typeof prefix === "string" && PREFIX_PATTERN.test(prefix)) return prefix;
  throw new ReplayError(
    "INVALID_PREFIX",
    `invalid table prefix ${JSON.stringify(String(prefix))}: use at most 32 characters of A-Z, a-z, 0-9 and "_" (default "${DEFAULT_PREFIX}")`,
  );
}
