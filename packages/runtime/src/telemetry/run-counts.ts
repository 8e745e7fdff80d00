import type { MeterProvider } from "@opentelemetry/api";
import type { Client } from "../api.js";
import { MetricAttr, MetricName, SCOPE } from "./names.js";
import type { MeterProvider as AnyMeterProvider } from "./providers.js";
import { PeriodicReading } from "./reading.js";

const MAX_AGE_MS = 5000;

/**
 * `replaykit.runs.current{namespace, state}`: runs by state, read from the database with
 * countRuns at most every few seconds when collected. States: queued, active and waiting for
 * running runs (see RunCounts), and the end statuses.
 */
export function observeRunCounts(given: AnyMeterProvider, client: Client, namespaces: readonly string[]): void {
  // The options declare the provider structurally (see providers.ts); it is an API one.
  const provider = given as MeterProvider;
  const readings = namespaces.map((namespace) => ({
    namespace,
    reading: new PeriodicReading(() => client.countRuns({ namespace }), MAX_AGE_MS),
  }));
  const gauge = provider.getMeter(SCOPE).createObservableGauge(MetricName.RunsCurrent, {
    description: "Runs by state, read from the database",
    unit: "{run}",
  });
  gauge.addCallback(async (result) => {
    for (const { namespace, reading } of readings) {
      const counts = await reading.get();
      if (counts === undefined) continue;
      const states: Record<string, number> = {
        queued: counts.queued,
        active: counts.active,
        waiting: counts.waiting,
      };
      for (const [status, n] of Object.entries(counts.statuses)) if (status !== "running") states[status] = n;
      for (const [state, n] of Object.entries(states)) {
        result.observe(n, { [MetricAttr.Namespace]: namespace, [MetricAttr.State]: state });
      }
    }
  });
}
