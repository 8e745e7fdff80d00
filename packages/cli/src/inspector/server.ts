import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type Client, ReplayError } from "@replaykit/runtime";
import { actionRoute, cancelAction, resumeAction, signalAction } from "./actions.js";
import { INSPECTOR_SCRIPT } from "./assets/script.js";
import { INSPECTOR_STYLE } from "./assets/style.js";
import { type RouteContext, type RouteHandler, sendHtml, sendText } from "./http.js";
import { eventsRoute } from "./live.js";
import { messagePage } from "./pages/layout.js";
import { runRoute, runsRoute } from "./pages-routes.js";
import { hostRefusal, newToken, SECURITY_HEADERS } from "./security.js";

export interface InspectorOptions {
  readonly client: Client;
  /** The namespace shown when a page names none; default: the first one with runs. */
  readonly namespace?: string | undefined;
  /** Default 127.0.0.1: only this machine can connect. */
  readonly host?: string | undefined;
  /** Default 7070; 0 picks a free port. */
  readonly port?: number | undefined;
  /** The token actions need; default: a random one (see Inspector.token). */
  readonly token?: string | undefined;
  /**
   * More GET routes by path. This is where other parts of replaykit mount their pages: the
   * observability work serves `/metrics` here. Paths of the inspector itself cannot be replaced.
   */
  readonly routes?: Readonly<Record<string, RouteHandler>> | undefined;
}

export interface Inspector {
  /** e.g. http://127.0.0.1:7070/ */
  readonly url: string;
  readonly token: string;
  /** Ends live streams and stops listening. */
  close(): Promise<void>;
}

/** The inspector's own routes, by "METHOD path". */
const ROUTES: Readonly<Record<string, RouteHandler>> = {
  "GET /": runsRoute,
  "GET /run": runRoute,
  "GET /events": eventsRoute,
  "GET /assets/inspector.js": async ({ response }) => sendText(response, 200, INSPECTOR_SCRIPT, "text/javascript"),
  "GET /assets/inspector.css": async ({ response }) => sendText(response, 200, INSPECTOR_STYLE, "text/css"),
  "GET /favicon.ico": async ({ response }) => {
    response.writeHead(204).end();
  },
  "POST /api/cancel": actionRoute(cancelAction),
  "POST /api/resume": actionRoute(resumeAction),
  "POST /api/signal": actionRoute(signalAction),
  // "GET /metrics" is not served yet: the observability work mounts it through `routes`.
};

/**
 * Serves the web inspector over node:http: server-rendered pages, one small script, live
 * updates by server-sent events, and token-guarded actions. Bound to 127.0.0.1 unless told otherwise.
 *
 * @example
 * const inspector = await startInspector({ client, port: 0 });
 * console.log(`${inspector.url}#token=${inspector.token}`);
 * await inspector.close();
 */
export async function startInspector(options: InspectorOptions): Promise<Inspector> {
  const host = options.host ?? "127.0.0.1";
  const token = options.token ?? newToken();
  const closing = new AbortController();
  const routes = { ...prefixed(options.routes ?? {}), ...ROUTES };
  let port = options.port ?? 7070;
  const server = createServer((request, response) => {
    const base = { client: options.client, namespace: options.namespace, token, closing: closing.signal };
    void handle(request, response, routes, { ...base, host, port });
  });
  await listen(server, host, port);
  port = (server.address() as AddressInfo).port;
  const shown = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}/`,
    token,
    close: async () => {
      closing.abort();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function prefixed(routes: Readonly<Record<string, RouteHandler>>): Record<string, RouteHandler> {
  return Object.fromEntries(Object.entries(routes).map(([path, handler]) => [`GET ${path}`, handler]));
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  routes: Readonly<Record<string, RouteHandler>>,
  state: Omit<RouteContext, "request" | "response" | "url"> & { host: string; port: number },
): Promise<void> {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
  const refusal = hostRefusal(request, state.host, state.port);
  if (refusal !== undefined) return sendText(response, 403, `${refusal}; open the inspector at its own address`);
  const url = new URL(request.url ?? "/", "http://inspector");
  const route = routes[`${request.method} ${url.pathname}`];
  if (route === undefined)
    return sendHtml(response, 404, messagePage("Not found", `Nothing is served at ${url.pathname}.`));
  try {
    await route({ ...state, request, response, url });
  } catch (error) {
    if (response.headersSent) {
      response.end();
      return;
    }
    const [status, title] = statusOf(error);
    sendHtml(response, status, messagePage(title, error instanceof Error ? error.message : String(error)));
  }
}

function statusOf(error: unknown): [number, string] {
  if (error instanceof ReplayError && error.code.startsWith("INVALID_")) return [400, "Bad request"];
  if (error instanceof ReplayError && error.code === "DATABASE_UNREACHABLE") return [503, "Database unreachable"];
  return [500, "Unexpected error"];
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}
