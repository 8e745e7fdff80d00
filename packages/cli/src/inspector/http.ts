import type { IncomingMessage, ServerResponse } from "node:http";
import type { Client, PayloadView } from "@replaykit/runtime";
import type { Html } from "./html.js";

/** What a route handler gets: the request, its parsed URL, the response, and the inspector's state. */
export interface RouteContext {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly url: URL;
  /** The client this request reads with: its payloads as `view` shows them. */
  readonly client: Client;
  /** How this request sees payloads: sealed where encrypted, unless it carries the token (see unlocked). */
  readonly view: PayloadView;
  /** True when the request carries the token (header x-replaykit-token): actions are allowed, payloads decrypted. */
  readonly unlocked: boolean;
  /** The namespace the inspector was started for, if any. */
  readonly namespace: string | undefined;
  readonly token: string;
  /** Aborts when the inspector closes (ends live streams). */
  readonly closing: AbortSignal;
}

export type RouteHandler = (context: RouteContext) => Promise<void>;

export function sendHtml(response: ServerResponse, status: number, body: Html | string): void {
  response.writeHead(status, { "content-type": "text/html; charset=utf-8" });
  response.end(body.toString());
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  response.end(JSON.stringify(body));
}

export function sendText(response: ServerResponse, status: number, text: string, type = "text/plain"): void {
  response.writeHead(status, { "content-type": `${type}; charset=utf-8` });
  response.end(text);
}

/** A query parameter, or undefined when absent or empty. */
export function param(url: URL, name: string): string | undefined {
  const value = url.searchParams.get(name);
  return value === null || value === "" ? undefined : value;
}

/** Reads a request body of at most `limit` bytes as text; undefined when it is larger. */
export async function readBody(request: IncomingMessage, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
