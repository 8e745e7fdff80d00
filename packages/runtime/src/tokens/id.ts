import { randomBytes } from "node:crypto";

/** Random bytes in a token id: 144 bits, more than the 128 a guess must beat. */
const TOKEN_ID_BYTES = 18;
const PREFIX = "tok_";
const TOKEN_ID = /^tok_[A-Za-z0-9_-]{24}$/;

/**
 * A new token id: "tok_" and 144 random bits in base64url (URL-safe, no "/"). The worker makes
 * it for ctx.createToken; the history records it, so replay gets the same id back.
 */
export function newTokenId(): string {
  return `${PREFIX}${randomBytes(TOKEN_ID_BYTES).toString("base64url")}`;
}

/** True for a string shaped like a token id (anything else is unknown without asking the store). */
export function isTokenId(value: unknown): value is string {
  return typeof value === "string" && TOKEN_ID.test(value);
}
