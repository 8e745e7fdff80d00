/**
 * An OpenTelemetry TracerProvider (`@opentelemetry/api`), as the runtime's options take it: the
 * provider of any SDK fits. Declared here rather than imported, so the runtime's published types
 * do not need `@opentelemetry/api`, an optional peer dependency, in an app that does not trace
 * (under `skipLibCheck: false` a missing import in them would be a compile error).
 */
export interface TracerProvider {
  getTracer(name: string, version?: string, options?: object): unknown;
}

/** An OpenTelemetry MeterProvider, as the runtime's options take it (see TracerProvider). */
export interface MeterProvider {
  getMeter(name: string, version?: string, options?: object): unknown;
}
