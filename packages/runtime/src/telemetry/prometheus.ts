import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Client } from "../api.js";
import { TelemetryUnavailableError } from "../errors.js";
import type { MeterProvider } from "./providers.js";
import { observeRunCounts } from "./run-counts.js";

const PACKAGES = ["@opentelemetry/api", "@opentelemetry/sdk-metrics", "@opentelemetry/exporter-prometheus"] as const;

/** A MeterProvider whose metrics a Prometheus scrape reads, without a server of its own. */
export interface PrometheusMetrics {
  /** Record through this: give it to `createWorker({ metrics: { meterProvider } })` and `createClient(..., { meterProvider })`. */
  readonly meterProvider: MeterProvider;
  /**
   * Answers a scrape with everything recorded through `meterProvider`, in the Prometheus text
   * format. Mount it on GET /metrics; it takes node:http's request and response (typed loosely
   * here, so that the runtime's types do not require @types/node).
   */
  handle(request: object, response: object): void;
  /** Stops the provider; later scrapes answer with an error. */
  shutdown(): Promise<void>;
}

export interface PrometheusMetricsOptions {
  /**
   * Also report `replaykit.runs.current` (runs by state) for these namespaces, read from the
   * client's database at most every 5 s, when scraped: for a process that runs no worker,
   * such as an inspector.
   */
  readonly database?: { readonly client: Client; readonly namespaces: readonly string[] };
}

/**
 * A Prometheus exporter and the MeterProvider that feeds it, to mount on a server you have
 * (the inspector's `/metrics`). Loads `@opentelemetry/sdk-metrics` and
 * `@opentelemetry/exporter-prometheus` now; rejects with TelemetryUnavailableError, naming the
 * install command, when they are missing.
 *
 * @example
 * const metrics = await createPrometheusMetrics({ database: { client, namespaces: ["shop"] } });
 * http.createServer((req, res) => (req.url === "/metrics" ? metrics.handle(req, res) : app(req, res)));
 */
export async function createPrometheusMetrics(options: PrometheusMetricsOptions = {}): Promise<PrometheusMetrics> {
  const { sdk, exporters } = await loadPrometheus();
  const exporter = new exporters.PrometheusExporter({ preventServerStart: true });
  const provider = new sdk.MeterProvider({ readers: [exporter] });
  if (options.database) observeRunCounts(provider, options.database.client, options.database.namespaces);
  return {
    meterProvider: provider,
    handle: (request, response) =>
      exporter.getMetricsRequestHandler(request as IncomingMessage, response as ServerResponse),
    shutdown: () => provider.shutdown(),
  };
}

/** An HTTP server that answers GET /metrics for its own MeterProvider. */
export interface MetricsServer {
  /** The scrape address, e.g. http://127.0.0.1:9464/metrics. */
  readonly url: string;
  readonly meterProvider: MeterProvider;
  /** Stops the server and the provider. */
  close(): Promise<void>;
}

export interface MetricsServerOptions extends PrometheusMetricsOptions {
  /** 0 picks a free port (see `url`). */
  readonly port: number;
  /**
   * Default 127.0.0.1 (loopback): only this machine can scrape it. Give the address to serve
   * on, e.g. "0.0.0.0" for every interface, when Prometheus scrapes from elsewhere.
   */
  readonly host?: string;
}

/**
 * Starts a Prometheus endpoint (GET /metrics) with a MeterProvider of its own; what
 * `createWorker({ metrics: { port } })` runs for the worker.
 */
/** Where the metrics endpoint listens unless told otherwise: loopback, so it is not open to the network by default. */
export const DEFAULT_METRICS_HOST = "127.0.0.1";

export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const metrics = await createPrometheusMetrics(options);
  const server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    if (request.method === "GET" && path === "/metrics") return metrics.handle(request, response);
    response.writeHead(404, { "content-type": "text/plain" }).end("not found: metrics are at GET /metrics\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? DEFAULT_METRICS_HOST, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${host === "[::]" || host === "0.0.0.0" ? "127.0.0.1" : host}:${address.port}/metrics`,
    meterProvider: metrics.meterProvider,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await metrics.shutdown();
    },
  };
}

/** The parts of the two optional packages used here, declared so that TypeScript never loads their types (the exporter's pull in all of @types/node). */
interface PrometheusPackages {
  readonly sdk: {
    MeterProvider: new (options: { readers: readonly unknown[] }) => MeterProvider & { shutdown(): Promise<void> };
  };
  readonly exporters: {
    PrometheusExporter: new (options: {
      preventServerStart: boolean;
    }) => { getMetricsRequestHandler(request: IncomingMessage, response: ServerResponse): void };
  };
}

// A specifier in a variable: TypeScript does not follow it, so programs that include the runtime
// (replaygen's quick read, a user's type-check) never load the optional packages' declarations.
const optional = (name: string): Promise<unknown> => import(name);

async function loadPrometheus(): Promise<PrometheusPackages> {
  try {
    const [sdk, exporters] = await Promise.all([
      optional("@opentelemetry/sdk-metrics"),
      optional("@opentelemetry/exporter-prometheus"),
    ]);
    return { sdk, exporters } as PrometheusPackages;
  } catch (error) {
    throw new TelemetryUnavailableError("a Prometheus metrics endpoint", PACKAGES, error);
  }
}
