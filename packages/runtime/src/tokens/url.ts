import { createHmac, timingSafeEqual } from "node:crypto";
import { ReplayError } from "../errors.js";
import { isTokenId } from "./id.js";

/** One secret, or several while keys rotate: the first signs, every one verifies. */
export type TokenSecret = string | readonly string[];

/** Options of tokenUrl. */
export interface TokenUrlOptions {
  /** Where createTokenHandler is mounted, e.g. "https://app.example.com/tokens". */
  readonly baseUrl: string;
  readonly secret: TokenSecret;
  /** "fail": a URL that fails the token instead (its path ends in /fail). Default "complete". */
  readonly action?: "complete" | "fail";
}

/** The query parameter that carries the signature. */
export const SIGNATURE_PARAM = "sig";

/**
 * A URL that completes token `tokenId` when POSTed to (the JSON body is the value), signed with
 * HMAC-SHA256 so that createTokenHandler accepts it without any other credential. Anyone who
 * holds the URL can complete (or, with the /fail URL, fail) the token: hand it only to whoever
 * should.
 *
 * @example
 * const { id } = await ctx.createToken({ timeout: "2d" });
 * await ctx.execActivity("emailManager", { approveUrl: tokenUrl(id, { baseUrl, secret }) });
 */
export function tokenUrl(tokenId: string, options: TokenUrlOptions): string {
  if (!isTokenId(tokenId)) {
    throw new ReplayError(
      "INVALID_ARGUMENT",
      `tokenUrl: ${JSON.stringify(tokenId)} is not a token id; pass the id ctx.createToken returned`,
    );
  }
  const [signing] = secretsOf(options.secret);
  let url: URL;
  try {
    url = new URL(options.baseUrl);
  } catch {
    throw new ReplayError(
      "INVALID_ARGUMENT",
      `tokenUrl: baseUrl ${JSON.stringify(options.baseUrl)} is not an absolute URL, e.g. "https://app.example.com/tokens"`,
    );
  }
  const suffix = options.action === "fail" ? "/fail" : "";
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/${tokenId}${suffix}`;
  url.searchParams.set(SIGNATURE_PARAM, signatureOf(signing as string, tokenId));
  return url.toString();
}

/** True when `signature` is the token's under one of the secrets; compared in constant time. */
export function verifySignature(tokenId: string, signature: string | null, secret: TokenSecret): boolean {
  if (signature === null) return false;
  const given = Buffer.from(signature);
  let valid = false;
  // Every secret is tried, so the time taken does not say which one matched.
  for (const candidate of secretsOf(secret)) {
    const expected = Buffer.from(signatureOf(candidate, tokenId));
    if (expected.length === given.length && timingSafeEqual(expected, given)) valid = true;
  }
  return valid;
}

/** The secrets, checked: at least one, none empty. */
export function secretsOf(secret: TokenSecret): readonly string[] {
  const secrets = typeof secret === "string" ? [secret] : [...secret];
  if (secrets.length === 0 || secrets.some((s) => typeof s !== "string" || s.length === 0)) {
    throw new ReplayError(
      "INVALID_ARGUMENT",
      "token secret: give a non-empty string, or a list of them (the first signs, all verify)",
    );
  }
  return secrets;
}

function signatureOf(secret: string, tokenId: string): string {
  return createHmac("sha256", secret).update(`replaykit-token:${tokenId}`).digest("base64url");
}
