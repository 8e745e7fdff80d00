import { createRequire } from "node:module";
import type * as OtelApi from "@opentelemetry/api";

/** The OpenTelemetry API, as the runtime uses it. */
export type Otel = typeof OtelApi;

/** The provider types of the public options (createClient, createWorker), declared without @opentelemetry/api. */
export type { MeterProvider, TracerProvider } from "./providers.js";

/**
 * `@opentelemetry/api` when the application has it installed (an optional peer dependency),
 * else undefined, and every span and metric call of the runtime is skipped.
 *
 * Loaded with `require`, so the import stays synchronous and a missing package is only a
 * failed resolution. The API keeps what the application registers (tracer and meter
 * providers, context manager, propagator) on a versioned global, so this copy sees what the
 * application's own `import` of the API registered.
 */
export const otel: Otel | undefined = loadApi();

function loadApi(): Otel | undefined {
  try {
    return createRequire(import.meta.url)("@opentelemetry/api") as Otel;
  } catch (error) {
    if ((error as { code?: unknown }).code === "MODULE_NOT_FOUND") return undefined;
    throw error;
  }
}
