/**
 * The errors of completion tokens: completing one that does not exist or can no longer be
 * completed, and awaiting one past its timeout. Part of the runtime's errors (re-exported by
 * errors.ts).
 */

import { ReplayError } from "./replay-error.js";

/** completeToken, failToken or ctx.awaitToken named a token that does not exist (or another run's). */
export class UnknownTokenError extends ReplayError {
  override name = "UnknownTokenError";
  readonly tokenId: string;
  constructor(tokenId: string, where = "no token has this id") {
    super("UNKNOWN_TOKEN", `unknown token ${JSON.stringify(tokenId)}: ${where}. Use the id ctx.createToken returned.`);
    this.tokenId = tokenId;
  }
}

/** A completion came after the token's timeout, or after its run ended or moved on; nothing was stored. */
export class TokenExpiredError extends ReplayError {
  override name = "TokenExpiredError";
  readonly tokenId: string;
  constructor(tokenId: string, reason: string) {
    super("TOKEN_EXPIRED", `token ${tokenId} can no longer be completed: ${reason}. Nothing was stored.`);
    this.tokenId = tokenId;
  }
}

/** What ctx.awaitToken rejects with when the token's timeout passed before a completion. */
export class TokenTimeoutError extends ReplayError {
  override name = "TokenTimeoutError";
  readonly tokenId: string;
  readonly deadline: number;
  constructor(tokenId: string, deadline: number) {
    super(
      "TOKEN_TIMEOUT",
      `token ${tokenId} was not completed before its timeout (${new Date(deadline).toISOString()}); give createToken a longer timeout, or catch this error`,
    );
    this.tokenId = tokenId;
    this.deadline = deadline;
  }
}
