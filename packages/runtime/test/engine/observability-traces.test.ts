import { context, type Span, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ActivityContext, RunContext } from "../../src/api.js";
import { createJsonLogger } from "../../src/index.js";
import { forEachStore, historyOf, waitFor } from "../support/helpers.js";

/*
 * Traces through a real SDK: an in-memory exporter behind a simple (synchronous) processor,
 * and AsyncLocalStorage for the active context, registered for this file only (vitest runs
 * each test file in a process of its own).
 */
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const app = trace.getTracer("shop-app");

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
});
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  context.disable();
});
beforeEach(() => exporter.reset());

/** Runs `fn` inside an application span, as an HTTP handler would; the span ends after it. */
async function inAppSpan<T>(name: string, fn: (span: Span) => Promise<T>): Promise<T> {
  return app.startActiveSpan(name, async (span) => {
    try {
      return await fn(span);
    } finally {
      span.end();
    }
  });
}

const spansNamed = (name: string, runId?: string): ReadableSpan[] =>
  exporter
    .getFinishedSpans()
    .filter((span) => span.name === name && (runId === undefined || span.attributes["replaykit.run_id"] === runId));
const idOf = (span: ReadableSpan | undefined) => span?.spanContext().spanId;
const traceOf = (span: ReadableSpan | undefined) => span?.spanContext().traceId;

forEachStore((env) => {
  describe("traces", () => {
    it("make one trace from the caller's span through an activity that runs after a worker restart", async () => {
      let shipAttempts = 0;
      const workflows = {
        order: async (ctx: RunContext) => {
          const charge = await ctx.execActivity("charge", { cents: 100 });
          await ctx.awaitSignal("packed", 60_000);
          const ship = await ctx.execActivity("ship", null);
          return { charge, ship };
        },
      };
      const activities = {
        charge: async (_ctx: ActivityContext, _backends: unknown, input: { cents: number }) => {
          // Instrumentation inside the activity nests under its span.
          app.startSpan("gateway call").end();
          return `charged ${input.cents}`;
        },
        ship: {
          fn: async () => {
            shipAttempts++;
            if (shipAttempts === 1) throw new Error("courier busy");
            return "shipped";
          },
          retry: { initialInterval: "10ms" as const },
        },
      };
      const first = await env.worker({ namespace: "traced", identity: "worker-a", workflows, activities });
      const caller = await inAppSpan("POST /orders", async (span) => {
        expect(await env.client.runWorkflow("traced", "order", "o1", null)).toBe(true);
        return span;
      });
      await waitFor(
        async () => (await historyOf(env.client, "traced", "order", "o1")).some((e) => e.type === "signal_request"),
        20_000,
        "the order to wait for the warehouse",
      );
      await first.stop();

      await env.worker({ namespace: "traced", identity: "worker-b", workflows, activities });
      await inAppSpan("POST /warehouse-ready", () =>
        env.client.signalRun("traced", "order", "o1", "packed", { by: "ana" }, "evt-1"),
      );
      expect(await env.client.awaitResult("traced", "order", "o1", { timeout: "20s" })).toEqual({
        charge: "charged 100",
        ship: "shipped",
      });
      await waitFor(() => spansNamed("replaykit.workflow", "o1").length === 2, 5000, "both workflow spans to end");

      const traceId = caller.spanContext().traceId;
      const [start] = spansNamed("replaykit.start", "o1");
      expect(start?.kind).toBe(SpanKind.PRODUCER);
      expect(start?.parentSpanContext?.spanId).toBe(caller.spanContext().spanId);
      expect(start?.attributes).toMatchObject({ "replaykit.namespace": "traced", "replaykit.created": true });

      const workflowSpans = spansNamed("replaykit.workflow", "o1");
      for (const span of workflowSpans) {
        expect(traceOf(span)).toBe(traceId);
        expect(span.parentSpanContext?.spanId).toBe(idOf(start));
        expect(span.attributes).toMatchObject({ "replaykit.workflow": "order", "replaykit.iteration": 0 });
      }
      // Worker A let go of the run when it stopped (it was suspended, waiting for the signal);
      // worker B took it up by replay and saw it end.
      const [onA, onB] = [...workflowSpans].sort(
        (a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1],
      );
      expect(onA?.attributes).toMatchObject({ "replaykit.released": true, "replaykit.end": "released" });
      expect(onA?.events.map((event) => event.name)).toEqual(["suspended"]);
      expect(onB?.attributes).toMatchObject({ "replaykit.end": "completed" });
      expect(onB?.status.code).toBe(SpanStatusCode.OK);

      // One span per executed attempt: charge once (not again by worker B's replay), ship twice.
      const activitySpans = spansNamed("replaykit.activity", "o1");
      const summary = activitySpans.map((span) => [
        span.attributes["replaykit.activity"],
        span.attributes["replaykit.attempt"],
        span.status.code,
        span.parentSpanContext?.spanId,
      ]);
      expect(summary.sort()).toEqual(
        [
          ["charge", 1, SpanStatusCode.OK, idOf(onA)],
          ["ship", 1, SpanStatusCode.ERROR, idOf(onB)],
          ["ship", 2, SpanStatusCode.OK, idOf(onB)],
        ].sort(),
      );
      for (const span of activitySpans) expect(traceOf(span)).toBe(traceId);
      const failed = activitySpans.find((span) => span.status.code === SpanStatusCode.ERROR);
      expect(failed?.status.message).toBe("courier busy");
      expect(failed?.events.map((event) => event.name)).toEqual(["exception"]);
      expect(failed?.attributes).toMatchObject({ "replaykit.seq": expect.any(Number), "replaykit.run_id": "o1" });

      const charge = activitySpans.find((span) => span.attributes["replaykit.activity"] === "charge");
      const [gateway] = spansNamed("gateway call");
      expect(gateway?.parentSpanContext?.spanId).toBe(idOf(charge));

      const [signal] = spansNamed("replaykit.signal", "o1");
      expect(signal?.kind).toBe(SpanKind.PRODUCER);
      expect(signal?.attributes).toMatchObject({ "replaykit.signal": "packed", "replaykit.created": true });
    });

    it("put a child run in its parent's trace, under the parent's workflow span", async () => {
      await env.worker({
        namespace: "family",
        workflows: {
          parent: async (ctx: RunContext) => ctx.runChild("kid", "kid-1", { n: 2 }),
          kid: async (ctx: RunContext, input: { n: number }) => ctx.execActivity("double", input.n),
        },
        activities: { double: async (_ctx: ActivityContext, _backends: unknown, n: number) => n * 2 },
      });
      const caller = await inAppSpan("POST /families", async (span) => {
        await env.client.runWorkflow("family", "parent", "p-1", null);
        return span;
      });
      expect(await env.client.awaitResult("family", "parent", "p-1", { timeout: "20s" })).toBe(4);
      await waitFor(() => spansNamed("replaykit.workflow", "p-1").length > 0, 5000, "the parent's span to end");

      const parentSpans = spansNamed("replaykit.workflow", "p-1");
      const [kid] = spansNamed("replaykit.workflow", "kid-1");
      expect(parentSpans.map(idOf)).toContain(kid?.parentSpanContext?.spanId);
      expect(traceOf(kid)).toBe(caller.spanContext().traceId);
      const [double] = spansNamed("replaykit.activity", "kid-1");
      expect(double?.parentSpanContext?.spanId).toBe(idOf(kid));
    });

    it("end a workflow span as failed with the error, and begin a new one for each iteration", async () => {
      await env.worker({
        namespace: "ends",
        workflows: {
          broken: async () => {
            throw new Error("out of stock");
          },
          again: async (ctx: RunContext, input: { n: number }) => (input.n < 1 ? ctx.restart({ n: 1 }) : "done"),
        },
        activities: {},
      });
      await env.client.runWorkflow("ends", "broken", "b-1", null);
      await env.client.runWorkflow("ends", "again", "a-1", { n: 0 });
      await expect(env.client.awaitResult("ends", "broken", "b-1", { timeout: "20s" })).rejects.toThrow();
      await env.client.awaitResult("ends", "again", "a-1", { timeout: "20s" });
      await waitFor(() => spansNamed("replaykit.workflow", "a-1").length === 2, 5000, "both iterations' spans");

      const [broken] = spansNamed("replaykit.workflow", "b-1");
      expect(broken?.status).toMatchObject({ code: SpanStatusCode.ERROR, message: "out of stock" });
      expect(broken?.attributes["replaykit.end"]).toBe("failed");
      const iterations = spansNamed("replaykit.workflow", "a-1").map((span) => [
        span.attributes["replaykit.iteration"],
        span.attributes["replaykit.end"],
      ]);
      expect(iterations.sort()).toEqual([
        [0, "restarted"],
        [1, "completed"],
      ]);
    });
  });

  describe("log lines", () => {
    it("name the run, its workflow, namespace and trace, as JSON with createJsonLogger", async () => {
      const lines: string[] = [];
      await env.worker({
        namespace: "logged",
        workflows: { needy: async (ctx: RunContext) => ctx.execActivity("missing", null) },
        activities: {},
        logger: createJsonLogger({ write: (line: string) => lines.push(line) }, { identity: "w-log" }),
      });
      const caller = await inAppSpan("POST /needy", async (span) => {
        await env.client.runWorkflow("logged", "needy", "n-1", null);
        return span;
      });
      await waitFor(() => lines.length > 0, 10_000, "a log line");
      const entry = JSON.parse(lines[0] ?? "{}") as Record<string, unknown>;
      expect(entry).toMatchObject({
        level: "warn",
        worker: "w-log",
        namespace: "logged",
        workflow: "needy",
        runId: "n-1",
        activity: "missing",
        traceId: caller.spanContext().traceId,
      });
      expect(new Date(String(entry.time)).getTime()).not.toBeNaN();
      await env.client.cancelRun("logged", "needy", "n-1");
    });
  });
});
