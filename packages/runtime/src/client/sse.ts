import type { IncomingMessage, ServerResponse } from "node:http";
import type { Client, StreamChunk } from "../api.js";
import { InvalidNameError, ReplayError } from "../errors.js";
import { encodePayload } from "../json.js";

/** The run's stream to serve. */
export interface SseStream {
  readonly namespace: string;
  readonly workflow: string;
  readonly runId: string;
  readonly key: string;
}

/** Options of sseResponse and sendSse. */
export interface SseOptions {
  /** Keep the response open for new chunks until the stream closes or its run ends. Default true. */
  readonly follow?: boolean;
  /** Start after this offset when the request carries no Last-Event-ID. Default: from the first chunk. */
  readonly after?: number;
  /** Send a comment line this often while nothing else is sent, so proxies keep the response open. Default 15000 ms; 0: never. */
  readonly keepAliveMs?: number;
  /** Ends the response when aborted (e.g. the server shuts down); the client then reconnects. */
  readonly signal?: AbortSignal;
}

const DEFAULT_KEEP_ALIVE_MS = 15_000;
/** How long a browser waits before it reconnects after the response ended unexpectedly. */
const RECONNECT_MS = 1000;
const HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  // Nginx buffers responses unless told not to; an event stream must go out as written.
  "x-accel-buffering": "no",
} as const;

/**
 * Serves the run's stream as Server-Sent Events in a web-standard Response (Next.js route
 * handlers, Hono, Deno, Bun, a service worker). Each chunk is an event whose id is its offset and
 * whose data is the chunk as JSON ({ offset, value, attempt? }); a reset marker is an event of type
 * "reset"; once the stream is closed or its run ended, an event of type "end" says so, and the
 * response ends: close the EventSource then, or it reconnects. A browser that reconnects sends
 * the Last-Event-ID header, and the response resumes after that offset: no chunk lost or repeated.
 * 404 when the run does not exist, 400 for a malformed Last-Event-ID.
 *
 * @example
 * export const GET = (request: Request) =>
 *   sseResponse(client, { namespace: "chat", workflow: "answer", runId: "q-1", key: "tokens" }, request);
 */
export async function sseResponse(
  client: Client,
  stream: SseStream,
  request?: Request,
  opts: SseOptions = {},
): Promise<Response> {
  checkOptions(opts);
  const start = await startOf(client, stream, request?.headers.get("last-event-id") ?? undefined, opts);
  if ("status" in start)
    return new Response(start.message, { status: start.status, headers: { "content-type": "text/plain" } });
  const abort = new AbortController();
  const stop = () => abort.abort();
  opts.signal?.addEventListener("abort", stop, { once: true });
  request?.signal.addEventListener("abort", stop, { once: true });
  const events = sseEvents(client, stream, start.after, opts, abort.signal);
  const encoder = new TextEncoder();
  let keepAlive: ReturnType<typeof setInterval> | undefined;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      keepAlive = keepAliveTimer(opts, () => controller.enqueue(encoder.encode(": keep-alive\n\n")));
    },
    async pull(controller) {
      const next = await events.next().catch((error: unknown) => ({ error }));
      if ("error" in next || next.done) {
        clearInterval(keepAlive);
        controller.close();
        return;
      }
      controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      clearInterval(keepAlive);
      stop();
      await events.return(undefined);
    },
  });
  return new Response(body, { status: 200, headers: HEADERS });
}

/**
 * Serves the run's stream as Server-Sent Events on a node:http response (also Express, Fastify's
 * raw response, Koa's ctx.res), as sseResponse does; resolves when the response ended, because
 * the stream did, the client went away or `opts.signal` aborted.
 *
 * @example
 * http.createServer((req, res) => {
 *   void sendSse(client, { namespace: "chat", workflow: "answer", runId: "q-1", key: "tokens" }, req, res);
 * });
 */
export async function sendSse(
  client: Client,
  stream: SseStream,
  req: IncomingMessage,
  res: ServerResponse,
  opts: SseOptions = {},
): Promise<void> {
  checkOptions(opts);
  const header = req.headers["last-event-id"];
  const start = await startOf(client, stream, Array.isArray(header) ? header[0] : header, opts);
  if ("status" in start) {
    res.writeHead(start.status, { "content-type": "text/plain" }).end(start.message);
    return;
  }
  const abort = new AbortController();
  const stop = () => abort.abort();
  opts.signal?.addEventListener("abort", stop, { once: true });
  res.once("close", stop);
  res.writeHead(200, HEADERS);
  const keepAlive = keepAliveTimer(opts, () => res.write(": keep-alive\n\n"));
  try {
    for await (const text of sseEvents(client, stream, start.after, opts, abort.signal)) {
      if (!res.write(text)) await drained(res, abort.signal);
    }
  } catch {
    // The database went away for good, or a chunk could not be read: the client reconnects.
  } finally {
    clearInterval(keepAlive);
    res.off("close", stop);
    res.end();
  }
}

/** Where the response starts: after Last-Event-ID, else `opts.after`; or the error response to send. */
async function startOf(
  client: Client,
  stream: SseStream,
  lastEventId: string | undefined,
  opts: SseOptions,
): Promise<{ after: number } | { status: number; message: string }> {
  const after = lastEventId === undefined ? (opts.after ?? -1) : Number(lastEventId);
  if (lastEventId !== undefined && !(/^\d{1,15}$/.test(lastEventId.trim()) && Number.isSafeInteger(after))) {
    return {
      status: 400,
      message: `invalid Last-Event-ID ${JSON.stringify(lastEventId)}: use the id of the last event received`,
    };
  }
  try {
    const run = await client.getRun(stream.namespace, stream.workflow, stream.runId);
    if (run === undefined) return { status: 404, message: `no run ${stream.workflow}/${stream.runId}` };
  } catch (error) {
    if (error instanceof InvalidNameError) return { status: 400, message: error.message };
    throw error;
  }
  return { after };
}

/** The text of the events: a reconnect delay, then one event per chunk, then "end" once the stream is over. */
async function* sseEvents(
  client: Client,
  stream: SseStream,
  after: number,
  opts: SseOptions,
  signal: AbortSignal,
): AsyncGenerator<string> {
  yield `retry: ${RECONNECT_MS}\n\n`;
  const { namespace, workflow, runId, key } = stream;
  const follow = opts.follow ?? true;
  for await (const chunk of client.readStream(namespace, workflow, runId, key, { after, follow, signal })) {
    yield eventOf(chunk);
  }
  // Not when aborted: the stream is not over, and the client should come back for the rest.
  if (!signal.aborted && follow) yield "event: end\ndata: {}\n\n";
}

function eventOf(chunk: StreamChunk): string {
  const attempt = chunk.attempt === undefined ? "" : `,"attempt":${chunk.attempt}`;
  if (chunk.reset)
    return `id: ${chunk.offset}\nevent: reset\ndata: {"offset":${chunk.offset}${attempt},"reset":true}\n\n`;
  const value = encodePayload(`chunk ${chunk.offset}`, chunk.value ?? null, Number.MAX_SAFE_INTEGER);
  // JSON has no raw line breaks, so the data fits on one "data:" line.
  return `id: ${chunk.offset}\ndata: {"offset":${chunk.offset},"value":${value}${attempt}}\n\n`;
}

function checkOptions(opts: SseOptions): void {
  const ms: unknown = opts.keepAliveMs;
  if (ms !== undefined && !(typeof ms === "number" && Number.isFinite(ms) && ms >= 0)) {
    throw new ReplayError("INVALID_ARGUMENT", `invalid keepAliveMs ${String(ms)}: use a number of ms, or 0 for none`);
  }
  const after: unknown = opts.after;
  if (after !== undefined && !(Number.isSafeInteger(after) && (after as number) >= -1)) {
    throw new ReplayError("INVALID_ARGUMENT", `invalid after ${String(after)}: use the offset of a chunk, or -1`);
  }
}

function keepAliveTimer(opts: SseOptions, send: () => void): ReturnType<typeof setInterval> | undefined {
  const ms = opts.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS;
  if (ms === 0) return undefined;
  const timer = setInterval(send, ms);
  timer.unref();
  return timer;
}

function drained(res: ServerResponse, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      signal.removeEventListener("abort", done);
      resolve();
    };
    res.once("drain", done);
    signal.addEventListener("abort", done, { once: true });
  });
}
