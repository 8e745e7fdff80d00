import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

/** A token for actions: 24 random bytes, URL-safe. */
export function newToken(): string {
  return randomBytes(24).toString("base64url");
}

/** The request header that carries the token: actions need it, and pages read with it see payloads decrypted. */
export const TOKEN_HEADER = "x-replaykit-token";

/** Constant-time comparison of the token a request carries with the server's. */
export function tokenMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host);
}

/** The shortest token for actions: an empty or short one (`--token "$UNSET"`) would let anyone write. */
export const MIN_TOKEN_LENGTH = 16;

/**
 * Refuses a request whose Host header is not one this inspector answers to (DNS rebinding: a
 * page of another site whose name resolves to this server must not read it): its loopback names
 * with its port, and the names it was given (`allowHosts`, with or without the port). Applied on
 * every address; undefined means allowed.
 */
export function hostRefusal(
  request: IncomingMessage,
  port: number,
  allowHosts: readonly string[] = [],
): string | undefined {
  const host = (request.headers.host ?? "").toLowerCase();
  const given = allowHosts.map((name) => name.toLowerCase());
  const own = ["127.0.0.1", "localhost", "[::1]"].map((name) => `${name}:${port}`);
  // A name given without a port stands for itself on this port, or behind a proxy on its default port.
  const bare = host.replace(/:\d+$/, "");
  const byName = given.includes(bare) && (host === bare || host === `${bare}:${port}`);
  if (own.includes(host) || given.includes(host) || byName) return undefined;
  return `Host ${JSON.stringify(host)} is not this inspector's address (give the names it is reached by with --allow-host)`;
}

/**
 * Refuses a write that a page of another origin could have sent: a foreign Origin, a
 * cross-site fetch, or a body that is not JSON (a plain HTML form cannot send JSON, and a
 * script of another origin cannot send it without a CORS preflight that this server never
 * grants). Undefined means allowed.
 */
export function crossOriginRefusal(request: IncomingMessage): string | undefined {
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== `http://${request.headers.host}`) {
    return `writes from origin ${origin} are refused: use the inspector's own pages`;
  }
  const site = request.headers["sec-fetch-site"];
  if (site !== undefined && site !== "same-origin" && site !== "none") {
    return `cross-site writes are refused (Sec-Fetch-Site: ${site})`;
  }
  if (!(request.headers["content-type"] ?? "").startsWith("application/json")) {
    return "writes must send Content-Type: application/json";
  }
  return undefined;
}

/** Headers of every response: no framing, no sniffing, no referrer, scripts and styles from this server only. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};
