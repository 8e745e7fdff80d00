import { TokenExpiredError, UnknownTokenError } from "../../errors.js";
import { isEnded, type RunKey, TOKEN_SIGNAL } from "../../history/index.js";
import type { SignalToSend, TokenToCreate } from "../step-write.js";

/*
 * The life of a completion token: created "waiting" with the step that records ctx.createToken;
 * then completed or failed once by a client (completeToken, failToken), or expired by the step
 * that delivers its timeout to the await. Each transition is decided here, on the token row
 * locked by the store, so a completion and a timeout never both win.
 */

export const TokenState = {
  Waiting: "waiting",
  Completed: "completed",
  Failed: "failed",
  Expired: "expired",
} as const;
export type TokenState = (typeof TokenState)[keyof typeof TokenState];

/** A token as stored: whose it is, and how far it got. */
export interface StoredToken {
  readonly tokenId: string;
  readonly run: RunKey;
  /** The iteration that created it: a run that restarted since cannot await it any more. */
  readonly iteration: number;
  readonly state: TokenState;
  /** When it expires, ms since the epoch; null: never. */
  readonly expiresAt: number | null;
}

/** What completing reads of the token's run (undefined: the run is gone, e.g. purged). */
export interface TokenRunState {
  readonly status: string;
  readonly iteration: number;
}

/** A completion as a client sends it: the value as JSON text, or the error, already in stored form. */
export interface TokenCompletionRequest {
  readonly failed: boolean;
  /** The stored completion (tokenCompletionText). */
  readonly completionText: string;
  readonly now: number;
}

/** What a store persists for a completion it accepts. */
export interface AcceptedCompletion {
  readonly kind: "accepted";
  /** The token's new state. */
  readonly state: TokenState;
  /** The completion, delivered to the run's inbox; the run is woken. */
  readonly delivery: SignalToSend;
}

/**
 * Decides a completion of token `tokenId` (completeToken, failToken), read with the token row
 * locked: accepted (persist the state, deliver to the run), "already" when the token was
 * completed or failed before (the caller answers false: a retry is no error), or a refusal,
 * storing nothing: UnknownTokenError, or TokenExpiredError past its timeout, after its timeout
 * was delivered, or once its run ended or restarted.
 */
export function tokenCompletion(
  tokenId: string,
  token: StoredToken | undefined,
  run: TokenRunState | undefined,
  request: TokenCompletionRequest,
): AcceptedCompletion | { readonly kind: "already"; readonly run: RunKey } {
  if (token === undefined) throw new UnknownTokenError(tokenId);
  if (token.state === TokenState.Completed || token.state === TokenState.Failed)
    return { kind: "already", run: token.run };
  const expired = expiryReason(token, run, request.now);
  if (expired !== undefined) throw new TokenExpiredError(tokenId, expired);
  return {
    kind: "accepted",
    state: request.failed ? TokenState.Failed : TokenState.Completed,
    delivery: {
      key: token.run,
      signal: { signal: TOKEN_SIGNAL, externalId: tokenId, payloadText: request.completionText },
    },
  };
}

function expiryReason(token: StoredToken, run: TokenRunState | undefined, now: number): string | undefined {
  if (token.state === TokenState.Expired || (token.expiresAt !== null && now >= token.expiresAt)) {
    return `its timeout passed at ${new Date(token.expiresAt ?? now).toISOString()}`;
  }
  if (run === undefined) return "its run no longer exists";
  if (isEnded(run.status)) return `its run ${token.run.workflow}/${token.run.runId} has ended (${run.status})`;
  if (run.iteration !== token.iteration) {
    return `its run ${token.run.workflow}/${token.run.runId} restarted (continue-as-new) since it was created`;
  }
  return undefined;
}

/**
 * Why a step that delivers the timeout of token `tokenId` to its await may not be written:
 * a client completed or failed it meanwhile (the step is refused and the run replays, now with
 * the completion in its inbox). Undefined when the timeout stands: the token becomes expired.
 */
export function tokenTimeoutRefusal(tokenId: string, state: TokenState | undefined): string | undefined {
  if (state === undefined || state === TokenState.Waiting || state === TokenState.Expired) return undefined;
  return `token ${tokenId} was ${state} before its timeout was written`;
}

/** The row of a token a step creates: waiting, to expire at its deadline. */
export function newTokenRow(run: RunKey, iteration: number, token: TokenToCreate): StoredToken {
  return { tokenId: token.id, run, iteration, state: TokenState.Waiting, expiresAt: token.expiresAt ?? null };
}
