import { EventType } from "@replaykit/runtime";
import { param, type RouteContext } from "./http.js";

/** Run-level events: what changes the runs page (a run started, ended, was resumed or asked to cancel). */
const RUN_EVENTS = [
  EventType.Created,
  EventType.Completed,
  EventType.Failed,
  EventType.Cancelled,
  EventType.Restarted,
  EventType.Resumed,
  EventType.Forked,
  EventType.CancelRequested,
];

const PING_MS = 15_000;

/**
 * GET /events: server-sent events following `client.stream` from the position the page was
 * read at (or the browser's Last-Event-ID after a reconnect), for one run or, with scope=runs,
 * the run-level events of a namespace. Each event says only that something changed; the page
 * then fetches its live region again, so no payload travels this way.
 */
export async function eventsRoute(context: RouteContext): Promise<void> {
  const { url, request, response, client } = context;
  const namespace = param(url, "ns") ?? context.namespace ?? "";
  const workflow = param(url, "wf");
  const runId = param(url, "id");
  const resumeFrom = request.headers["last-event-id"] ?? param(url, "after");
  const after =
    Number.isSafeInteger(Number(resumeFrom)) && resumeFrom !== undefined
      ? Number(resumeFrom)
      : await client.lastEventId();
  const abort = new AbortController();
  const stop = () => abort.abort();
  request.on("close", stop);
  context.closing.addEventListener("abort", stop);
  response.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", connection: "keep-alive" });
  response.write("retry: 2000\n\n");
  const ping = setInterval(() => response.write(": ping\n\n"), PING_MS);
  try {
    const stream = client.stream({
      namespace,
      after,
      follow: true,
      signal: abort.signal,
      ...(workflow === undefined ? {} : { workflow }),
      ...(runId === undefined ? {} : { runId }),
      ...(param(url, "scope") === "runs" ? { types: RUN_EVENTS } : {}),
    });
    for await (const event of stream)
      response.write(`id: ${event.id}\nevent: change\ndata: {"type":"${event.type}"}\n\n`);
  } catch (error) {
    if (!abort.signal.aborted) response.write(`event: failure\ndata: ${JSON.stringify(String(error))}\n\n`);
  } finally {
    clearInterval(ping);
    request.off("close", stop);
    context.closing.removeEventListener("abort", stop);
    response.end();
  }
}
