import type { IncomingMessage, ServerResponse } from "node:http";
import type { Client } from "../api.js";
import { InvalidPayloadError, TokenExpiredError, UnknownTokenError } from "../errors.js";
import { isTokenId } from "./id.js";
import { SIGNATURE_PARAM, secretsOf, type TokenSecret, verifySignature } from "./url.js";

/** Options of createTokenHandler. */
export interface TokenHandlerOptions {
  readonly client: Pick<Client, "completeToken" | "failToken">;
  /** The secret tokenUrl signs with, or several while keys rotate (the first signs, all verify). */
  readonly secret: TokenSecret;
  /** Largest request body accepted, in bytes; default 1 MiB. */
  readonly maxBodyBytes?: number;
}

/** A `node:http` request handler that completes tokens through their signed URLs; `.fetch` serves web-standard servers. */
export interface TokenHandler {
  (req: IncomingMessage, res: ServerResponse): void;
  fetch(request: Request): Promise<Response>;
}

/** An answer of the handler: a status and a JSON body. */
interface Answer {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A request as the handler reads it, from either kind of server. */
interface TokenRequest {
  readonly method: string;
  /** The request URL; only its path and query are read. */
  readonly url: URL;
  /** The body as text; rejects with BodyTooLarge past the limit. */
  body(): Promise<string>;
}

class BodyTooLarge extends Error {}

const DEFAULT_MAX_BODY = 1024 * 1024;

/**
 * Completes tokens through the URLs of tokenUrl, as a webhook provider or a person's browser
 * calls them, with no credential but the signature: `POST <base>/<token id>?sig=...` completes
 * the token with the JSON body (empty: null), `POST <base>/<token id>/fail?sig=...` fails it with
 * `{ "message", "name"?, "code"? }`. Answers 200 `{ "completed": true | false }` (false: done
 * before), 403 for a missing or tampered signature (nothing changes), 404 for an unknown token,
 * 410 for an expired one, 400 for a body that is not JSON, 405 for a method other than POST.
 * Mount it under any path: it reads the last segments of the path.
 *
 * @example
 * const tokens = createTokenHandler({ client, secret: [process.env.TOKEN_SECRET, process.env.OLD_TOKEN_SECRET] });
 * http.createServer((req, res) => (req.url?.startsWith("/tokens/") ? tokens(req, res) : app(req, res)));
 */
export function createTokenHandler(options: TokenHandlerOptions): TokenHandler {
  secretsOf(options.secret);
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const handler = ((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://token.invalid");
    const request = { method: req.method ?? "GET", url, body: () => readNodeBody(req, maxBody) };
    void answer(options, request)
      .catch((): Answer => ({ status: 500, body: { error: "the token could not be completed; try again" } }))
      .then((done) => {
        res.writeHead(done.status, { "content-type": "application/json", ...done.headers });
        res.end(JSON.stringify(done.body));
      });
  }) as TokenHandler;
  handler.fetch = async (request: Request) => {
    const done = await answer(options, {
      method: request.method,
      url: new URL(request.url),
      body: () => readFetchBody(request, maxBody),
    });
    return new Response(JSON.stringify(done.body), {
      status: done.status,
      headers: { "content-type": "application/json", ...done.headers },
    });
  };
  return handler;
}

async function answer(options: TokenHandlerOptions, request: TokenRequest): Promise<Answer> {
  const segments = request.url.pathname.split("/").filter(Boolean).map(decodeSegment);
  const fail = segments.at(-1) === "fail";
  const tokenId = segments.at(fail ? -2 : -1) ?? "";
  if (request.method !== "POST") {
    return { status: 405, body: { error: "use POST" }, headers: { allow: "POST" } };
  }
  if (!isTokenId(tokenId) || !verifySignature(tokenId, request.url.searchParams.get(SIGNATURE_PARAM), options.secret)) {
    return { status: 403, body: { error: "the URL's signature is missing or does not match" } };
  }
  let value: unknown;
  try {
    const text = await request.body();
    value = text.trim() === "" ? null : JSON.parse(text);
  } catch (error) {
    if (error instanceof BodyTooLarge) return { status: 413, body: { error: "the body is too large" } };
    return { status: 400, body: { error: "the body is not JSON" } };
  }
  try {
    const completed = fail
      ? await options.client.failToken(tokenId, failureOf(value))
      : await options.client.completeToken(tokenId, value);
    return { status: 200, body: { completed } };
  } catch (error) {
    return refusal(error);
  }
}

/** The error a /fail request gives the awaiting workflow. */
function failureOf(body: unknown): { name: string; message: string; code?: string } {
  const fields = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const text = (key: string) => (typeof fields[key] === "string" ? (fields[key] as string) : undefined);
  const code = text("code");
  return {
    name: text("name") ?? "TokenFailedError",
    message: text("message") ?? (typeof body === "string" ? body : "failed through its URL"),
    ...(code === undefined ? {} : { code }),
  };
}

function refusal(error: unknown): Answer {
  if (error instanceof UnknownTokenError) return { status: 404, body: { error: "unknown token" } };
  if (error instanceof TokenExpiredError) return { status: 410, body: { error: error.message } };
  if (error instanceof InvalidPayloadError) return { status: 400, body: { error: error.message } };
  return { status: 500, body: { error: "the token could not be completed; try again" } };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

async function readNodeBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size > maxBytes) throw new BodyTooLarge();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

async function readFetchBody(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw new BodyTooLarge();
  const text = await request.text();
  if (Buffer.byteLength(text) > maxBytes) throw new BodyTooLarge();
  return text;
}
