import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type Client, sendSse } from "@replaykit/runtime";
import { ANSWER_STREAM } from "./activities.js";
import { PAGE_SCRIPT } from "./page-script.js";
import { AGENT_NAMESPACE, ANSWER_WORKFLOW, runAnswer } from "./replay_gen.js";
import type { Question } from "./types.js";

/*
 * The example's web page on plain node:http:
 *   GET /                     a form to ask a question
 *   GET /ask?question=...     starts a run and redirects to its page
 *   GET /?q=<runId>           the answer page: the question, and the answer as it streams
 *   GET /answer?q=<runId>     the run's stream "answer" as Server-Sent Events (sendSse), from
 *                             Last-Event-ID when the browser reconnects, else from ?lastEventId
 *   GET /page.js              the page's script
 */

const HTML = { "content-type": "text/html; charset=utf-8", "content-security-policy": "default-src 'self'" };

/** The page's server; call `listen` to serve it. Aborting `closing` ends the open event streams. */
export function createAgentServer(client: Client, closing?: AbortSignal): Server {
  return createServer((req, res) => {
    void route(client, req, res, closing).catch((error: unknown) => {
      if (res.headersSent) res.end();
      else res.writeHead(500, { "content-type": "text/plain" }).end(String(error));
    });
  });
}

/** Listens on 127.0.0.1 (port 0: a free one) and resolves to the base URL, e.g. http://127.0.0.1:41234/. */
export function listen(server: Server, port = 0): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    });
  });
}

async function route(client: Client, req: IncomingMessage, res: ServerResponse, closing?: AbortSignal): Promise<void> {
  const url = new URL(req.url ?? "/", "http://localhost");
  const runId = url.searchParams.get("q");
  if (url.pathname === "/page.js") {
    res.writeHead(200, { "content-type": "text/javascript; charset=utf-8" }).end(PAGE_SCRIPT);
  } else if (url.pathname === "/answer" && runId !== null) {
    const stream = { namespace: AGENT_NAMESPACE, workflow: ANSWER_WORKFLOW, runId, key: ANSWER_STREAM };
    const after = Number(url.searchParams.get("lastEventId") ?? -1);
    if (!Number.isSafeInteger(after) || after < -1) {
      res.writeHead(400, { "content-type": "text/plain" }).end("lastEventId must be the id of an event");
      return;
    }
    await sendSse(client, stream, req, res, { after, ...(closing === undefined ? {} : { signal: closing }) });
  } else if (url.pathname === "/ask") {
    const question = (url.searchParams.get("question") ?? "").trim() || "How do I return an item?";
    const id = `q-${randomUUID().slice(0, 8)}`;
    await runAnswer(client, id, { question });
    res.writeHead(303, { location: `/?q=${encodeURIComponent(id)}` }).end();
  } else if (url.pathname === "/" && runId !== null) {
    const run = await client.getRun(AGENT_NAMESPACE, ANSWER_WORKFLOW, runId);
    if (run === undefined) {
      res.writeHead(404, HTML).end(page("No such question", `<p>There is no question ${escapeHtml(runId)}.</p>`));
      return;
    }
    res.writeHead(200, HTML).end(answerPage(runId, run.input as Question));
  } else if (url.pathname === "/") {
    res.writeHead(200, HTML).end(page("Ask the agent", ASK_FORM));
  } else {
    res.writeHead(404, { "content-type": "text/plain" }).end(`nothing at ${url.pathname}`);
  }
}

const ASK_FORM = `<form action="/ask"><label>Your question <input name="question" size="50" placeholder="How do I return an item?"></label> <button>Ask</button></form>`;

function answerPage(runId: string, input: Question): string {
  const body = `<p class="question">${escapeHtml(input.question)}</p>
<p id="answer" aria-live="polite"></p>
<p id="status" role="status"></p>
<p><a href="/">Ask another question</a></p>
<script src="/page.js"></script>`;
  return page("The agent answers", body, runId);
}

function page(title: string, body: string, runId?: string): string {
  const run = runId === undefined ? "" : ` data-run="${escapeHtml(runId)}"`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body${run}><h1>${escapeHtml(title)}</h1>
${body}
</body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
