import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { networkInterfaces } from "node:os";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { describe, expect, it } from "vitest";
import type { ActivityContext, RunContext } from "../../src/api.js";
import { createPrometheusMetrics, createWorker, ReplayError } from "../../src/index.js";
import { useEngine } from "../support/helpers.js";

/** One sample of the Prometheus text format: name, labels and value. */
interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

function parseSamples(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1] ?? ""] = pair[2] ?? "";
    samples.push({ name: match[1] ?? "", labels, value: Number(match[3]) });
  }
  return samples;
}

function sampleValue(samples: readonly Sample[], name: string, labels: Record<string, string>): number | undefined {
  const found = samples.find(
    (sample) =>
      sample.name === name && Object.entries(labels).every(([label, value]) => sample.labels[label] === value),
  );
  return found?.value;
}

async function scrape(url: string): Promise<Sample[]> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return parseSamples(await response.text());
}

describe("the Prometheus endpoint", () => {
  const env = useEngine("mariadb");

  it("listens on loopback unless given a host", async () => {
    const worker = await env.worker({
      namespace: "prom-local",
      metrics: { port: 0 },
      workflows: { quick: async () => "done" },
      activities: {},
    });
    try {
      expect(worker.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const port = Number(new URL(worker.metricsUrl ?? "").port);
      const other = Object.values(networkInterfaces())
        .flat()
        .find((address) => address !== undefined && address.family === "IPv4" && !address.internal);
      // Another interface of this machine reaches no endpoint (where the machine has one).
      if (other !== undefined) await expect(fetch(`http://${other.address}:${port}/metrics`)).rejects.toThrow();
    } finally {
      await worker.stop();
    }
  });

  it("serves a worker's metrics at /metrics on the port of `metrics: { port }`, until the worker stops", async () => {
    const worker = await env.worker({
      namespace: "prom",
      metrics: { port: 0, host: "127.0.0.1" },
      workflows: {
        parent: async (ctx: RunContext) => ctx.runChild("kid", "kid-1", 21),
        kid: async (ctx: RunContext, n: number) => ctx.execActivity("double", n),
      },
      activities: { double: async (_ctx: ActivityContext, _backends: unknown, n: number) => n * 2 },
    });
    const url = worker.metricsUrl ?? "";
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    await env.client.runWorkflow("prom", "parent", "p-1", null);
    expect(await env.client.awaitResult("prom", "parent", "p-1", { timeout: "20s" })).toBe(42);

    const samples = await scrape(url);
    const ns = { namespace: "prom" };
    expect(sampleValue(samples, "replaykit_runs_ended_total", { ...ns, workflow: "parent", status: "completed" })).toBe(
      1,
    );
    expect(sampleValue(samples, "replaykit_runs_ended_total", { ...ns, workflow: "kid", status: "completed" })).toBe(1);
    // The worker counts the children it starts; runs that clients start are counted by the client.
    expect(sampleValue(samples, "replaykit_runs_started_total", { ...ns, workflow: "kid" })).toBe(1);
    expect(sampleValue(samples, "replaykit_activity_attempts_total", { ...ns, activity: "double" })).toBe(1);
    expect(sampleValue(samples, "replaykit_activity_duration_count", { ...ns, activity: "double" })).toBe(1);
    expect(sampleValue(samples, "replaykit_commit_batch_size_count", ns)).toBeGreaterThan(0);
    expect((await fetch(url.replace("/metrics", "/other"))).status).toBe(404);

    await worker.stop();
    await expect(fetch(url)).rejects.toThrow();
  });

  it("mounts on a server of your own, with the runs a client started and runs by state from the database", async () => {
    const metrics = await createPrometheusMetrics({ database: { client: env.client, namespaces: ["mounted"] } });
    const client = env.clientWith({ meterProvider: metrics.meterProvider });
    const server = createServer((request, response) => metrics.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      await client.runWorkflow("mounted", "later", "m-1", null, { delay: "1h" });
      await client.runWorkflow("mounted", "later", "m-2", null, { delay: "1h" });
      const samples = await scrape(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`);
      expect(sampleValue(samples, "replaykit_runs_started_total", { namespace: "mounted", workflow: "later" })).toBe(2);
      expect(sampleValue(samples, "replaykit_runs_current", { namespace: "mounted", state: "waiting" })).toBe(2);
      expect(sampleValue(samples, "replaykit_runs_current", { namespace: "mounted", state: "queued" })).toBe(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await metrics.shutdown();
    }
  });

  it("refuses a port out of range, and a port together with a meter provider", () => {
    const base = { client: env.client, namespace: "prom", workflows: { wf: async () => null }, activities: {} };
    const refusal = (metrics: object) => {
      try {
        createWorker({ ...base, metrics });
      } catch (error) {
        return error instanceof ReplayError ? `${error.code}: ${error.message}` : String(error);
      }
      return "accepted";
    };
    expect(refusal({ port: 70_000 })).toMatch(
      /^INVALID_WORKER_OPTIONS: .*metrics\.port must be an integer from 0 to 65535/,
    );
    expect(refusal({ port: 0, meterProvider: new MeterProvider() })).toMatch(
      /give metrics\.port or metrics\.meterProvider/,
    );
    expect(refusal({ port: 0 })).toBe("accepted");
  });
});
