import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type Client,
  createTokenHandler,
  type PayloadView,
  payloadView,
  ReplayError,
  type TokenHandler,
  type TokenSecret,
} from "@replaykit/runtime";
import { InspectorListenError, InspectorOptionsError } from "../shared/errors.js";
import { actionRoute, cancelAction, resumeAction, signalAction } from "./actions.js";
import { INSPECTOR_SCRIPT } from "./assets/script.js";
import { INSPECTOR_STYLE } from "./assets/style.js";
import { BulkTracker, bulkAction, bulkCountAction, bulkProgressRoute } from "./bulk.js";
import { boundedClient } from "./deadline.js";
import { type RouteContext, type RouteHandler, sendHtml, sendText } from "./http.js";
import { eventsRoute } from "./live.js";
import { queuesRoute, schedulesRoute, triageRoute } from "./ops-routes.js";
import { messagePage } from "./pages/layout.js";
import { payloadRoute, runRoute, runsRoute } from "./pages-routes.js";
import { pauseAction, resetAction, terminateAction, unpauseAction } from "./run-actions.js";
import { scheduleDeleteAction, schedulePauseAction, scheduleResumeAction, scheduleTriggerAction } from "./schedules.js";
import {
  hostRefusal,
  isLoopback,
  MIN_TOKEN_LENGTH,
  newToken,
  SECURITY_HEADERS,
  TOKEN_HEADER,
  tokenMatches,
} from "./security.js";

export interface InspectorOptions {
  /**
   * The client pages read with. Given codecs with keys (createClient({ codecs })), it decrypts
   * payloads for requests that carry the token; others see them sealed, `encrypted (key k1, 3.2 KiB)`.
   */
  readonly client: Client;
  /** Show the values of secret fields (PayloadOptions.secretFields) to requests with the token; default false: hidden to all. */
  readonly showSecrets?: boolean | undefined;
  /** The namespace shown when a page names none; default: the first one with runs. */
  readonly namespace?: string | undefined;
  /** Default 127.0.0.1: only this machine can connect. */
  readonly host?: string | undefined;
  /** Default 7070; 0 picks a free port. */
  readonly port?: number | undefined;
  /**
   * The token actions need, at least 16 characters; default: a random one (see Inspector.token).
   * Required on an address other than loopback.
   */
  readonly token?: string | undefined;
  /**
   * Host names (or name:port) the inspector answers to besides its loopback names, e.g. the name
   * of this machine or of a proxy in front of it. Required on an address other than loopback: the
   * Host check guards every page against DNS rebinding.
   */
  readonly allowHosts?: readonly string[] | undefined;
  /** How long a page may wait for the database before it answers 503; default 5000 ms. */
  readonly pageTimeoutMs?: number | undefined;
  /**
   * More GET routes by path. This is where other parts of replaykit mount their pages: the
   * observability work serves `/metrics` here. Paths of the inspector itself cannot be replaced.
   */
  readonly routes?: Readonly<Record<string, RouteHandler>> | undefined;
  /**
   * Serves `POST /tokens/<id>?sig=…` (createTokenHandler): the signed links of tokenUrl with
   * `baseUrl` `<inspector>/tokens` complete tokens here, without the inspector's token. A list
   * rotates keys: the first signs, all verify. Default: no token route.
   */
  readonly tokenSecret?: TokenSecret | undefined;
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
  "GET /payload": payloadRoute,
  "GET /assets/inspector.js": async ({ response }) => sendText(response, 200, INSPECTOR_SCRIPT, "text/javascript"),
  "GET /assets/inspector.css": async ({ response }) => sendText(response, 200, INSPECTOR_STYLE, "text/css"),
  "GET /favicon.ico": async ({ response }) => {
    response.writeHead(204).end();
  },
  "POST /api/cancel": actionRoute(cancelAction),
  "POST /api/resume": actionRoute(resumeAction),
  "POST /api/signal": actionRoute(signalAction),
  "POST /api/pause": actionRoute(pauseAction),
  "POST /api/unpause": actionRoute(unpauseAction),
  "POST /api/terminate": actionRoute(terminateAction),
  "POST /api/reset": actionRoute(resetAction),
  "GET /schedules": schedulesRoute,
  "GET /queues": queuesRoute,
  "GET /triage": triageRoute,
  "POST /api/schedule-pause": actionRoute(schedulePauseAction),
  "POST /api/schedule-resume": actionRoute(scheduleResumeAction),
  "POST /api/schedule-trigger": actionRoute(scheduleTriggerAction),
  "POST /api/schedule-delete": actionRoute(scheduleDeleteAction),
  // "GET /metrics" is not served yet: the observability work mounts it through `routes`.
};

/** The bulk action routes, with the tracker of this inspector's batches. */
function bulkRoutes(tracker: BulkTracker): Record<string, RouteHandler> {
  return {
    "POST /api/bulk-count": actionRoute(bulkCountAction),
    "POST /api/bulk": actionRoute(bulkAction(tracker)),
    "GET /api/bulk-progress": bulkProgressRoute(tracker),
  };
}

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
  checkOptions(options, host);
  const token = options.token ?? newToken();
  const allowHosts = options.allowHosts ?? [];
  const pageTimeoutMs = options.pageTimeoutMs ?? DEFAULT_PAGE_TIMEOUT_MS;
  const closing = new AbortController();
  const routes = { ...prefixed(options.routes ?? {}), ...ROUTES, ...bulkRoutes(new BulkTracker()) };
  let port = options.port ?? 7070;
  const views = viewsOf(options);
  const tokens =
    options.tokenSecret === undefined
      ? undefined
      : createTokenHandler({ client: options.client, secret: options.tokenSecret });
  const server = createServer((request, response) => {
    const base = { namespace: options.namespace, token, closing: closing.signal };
    void handle(request, response, routes, { ...base, views, port, allowHosts, pageTimeoutMs, tokens });
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

/** Where the token handler is mounted when the inspector has a token secret. */
const TOKENS_PATH = "/tokens/";

/** How long a page waits for the database by default before it answers 503. */
const DEFAULT_PAGE_TIMEOUT_MS = 5000;
/** Routes that stream for as long as the page is open; their reads are not bounded as a page's. */
const STREAMING = new Set(["GET /events"]);

/** How requests see payloads: without the token, encrypted ones sealed; with it, opened (secret fields only with showSecrets). */
interface Views {
  readonly closed: PayloadView;
  readonly unlocked: PayloadView;
}

function viewsOf(options: InspectorOptions): Views {
  return {
    closed: payloadView(options.client, {}),
    unlocked: payloadView(options.client, { decrypt: true, secrets: options.showSecrets === true }),
  };
}

/** Refuses options that would serve the inspector unsafely: a short token, or an open address without a token or Host names. */
function checkOptions(options: InspectorOptions, host: string): void {
  const { token } = options;
  if (token !== undefined && token.length < MIN_TOKEN_LENGTH) {
    throw new InspectorOptionsError(
      `the token for actions must be at least ${MIN_TOKEN_LENGTH} characters, got ${token.length}: an empty or short one (as --token "$TOKEN" gives when TOKEN is unset) would let anyone cancel runs; leave --token out for a random one`,
    );
  }
  if (isLoopback(host)) return;
  if (token === undefined) {
    throw new InspectorOptionsError(
      `serving on ${host}, an address other machines can reach, needs a token of your own: pass --token with at least ${MIN_TOKEN_LENGTH} characters (or keep --host 127.0.0.1 and tunnel to it)`,
    );
  }
  if ((options.allowHosts ?? []).length === 0) {
    throw new InspectorOptionsError(
      `serving on ${host} needs the names it is reached by: pass --allow-host <name> (e.g. --allow-host ops.example.com), so the Host check still guards against DNS rebinding`,
    );
  }
}

function prefixed(routes: Readonly<Record<string, RouteHandler>>): Record<string, RouteHandler> {
  return Object.fromEntries(Object.entries(routes).map(([path, handler]) => [`GET ${path}`, handler]));
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  routes: Readonly<Record<string, RouteHandler>>,
  state: Omit<RouteContext, "request" | "response" | "url" | "client" | "view" | "unlocked"> & {
    views: Views;
    port: number;
    allowHosts: readonly string[];
    pageTimeoutMs: number;
    tokens: TokenHandler | undefined;
  },
): Promise<void> {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
  const refusal = hostRefusal(request, state.port, state.allowHosts);
  if (refusal !== undefined) return sendText(response, 403, `${refusal}; open the inspector at its own address`);
  const url = new URL(request.url ?? "/", "http://inspector");
  // A token link carries its own credential (the signature): the handler checks it, not the inspector's token.
  if (state.tokens !== undefined && url.pathname.startsWith(TOKENS_PATH)) return state.tokens(request, response);
  const name = `${request.method} ${url.pathname}`;
  const route = routes[name];
  if (route === undefined)
    return sendHtml(response, 404, messagePage("Not found", `Nothing is served at ${url.pathname}.`));
  // A request that carries the token sees payloads opened with the client's keys.
  const given = request.headers[TOKEN_HEADER];
  const unlocked = tokenMatches(state.token, typeof given === "string" ? given : undefined);
  const view = unlocked ? state.views.unlocked : state.views.closed;
  // Each page's reads answer within pageTimeoutMs, or the page answers 503 (see boundedClient).
  const client = STREAMING.has(name) ? view.client : boundedClient(view.client, state.pageTimeoutMs);
  try {
    await route({ ...state, client, view, unlocked, request, response, url });
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
  if (!(error instanceof ReplayError)) return [500, "Unexpected error"];
  if (error.code.startsWith("INVALID_")) return [400, "Bad request"];
  const unavailable: Partial<Record<string, string>> = {
    DATABASE_UNREACHABLE: "Database unreachable",
    SCHEMA_NOT_MIGRATED: "Database not migrated: run migrate",
    DATABASE_ACCESS_DENIED: "Database refused the login",
    UNKNOWN_DATABASE: "No such database",
  };
  const title = unavailable[error.code];
  return title === undefined ? [500, "Unexpected error"] : [503, title];
}

/** Listens on host:port; a port in use or an address this machine lacks is an InspectorListenError. */
function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (error: unknown) => reject(new InspectorListenError(host, port, error));
    server.once("error", failed);
    server.listen(port, host, () => {
      server.off("error", failed);
      resolve();
    });
  });
}
