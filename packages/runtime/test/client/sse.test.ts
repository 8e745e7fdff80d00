import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import type { ActivityContext, RunContext } from "../../src/api.js";
import { sendSse, sseResponse } from "../../src/index.js";
import { forEachStore } from "../support/helpers.js";

/** One event of a text/event-stream: its fields, as a browser's EventSource reads them. */
interface SseEvent {
  readonly id?: string;
  readonly event?: string;
  readonly data?: unknown;
}

function parseEvents(text: string): SseEvent[] {
  return text
    .split("\n\n")
    .filter((block) => block.trim() !== "" && !block.startsWith(":") && !block.startsWith("retry:"))
    .map((block) => {
      const fields = Object.fromEntries(
        block.split("\n").map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 2)]),
      );
      return {
        ...(fields.id === undefined ? {} : { id: fields.id }),
        ...(fields.event === undefined ? {} : { event: fields.event }),
        ...(fields.data === undefined ? {} : { data: JSON.parse(fields.data) as unknown }),
      };
    });
}

const fast = { initialInterval: 10, maxInterval: 10 } as const;
const STREAM = { namespace: "sse", workflow: "answer", key: "tokens" } as const;

/** The events of a whole answer: attempt 1 writes two tokens and fails, attempt 2 writes three. */
const ANSWER: SseEvent[] = [
  { id: "0", data: { offset: 0, value: "Hel", attempt: 1 } },
  { id: "1", data: { offset: 1, value: "lo", attempt: 1 } },
  { id: "2", event: "reset", data: { offset: 2, attempt: 1, reset: true } },
  { id: "3", data: { offset: 3, value: "Hel", attempt: 2 } },
  { id: "4", data: { offset: 4, value: "lo", attempt: 2 } },
  { id: "5", data: { offset: 5, value: "!", attempt: 2 } },
  { event: "end", data: {} },
];

forEachStore((env) => {
  const servers: Server[] = [];
  afterAll(async () => {
    for (const server of servers) await new Promise((resolve) => server.close(resolve));
  });

  /** A node:http server that serves the stream of the run named by the path. */
  async function serve(): Promise<string> {
    const server = createServer((req, res) => {
      const runId = decodeURIComponent((req.url ?? "/").slice(1));
      void sendSse(env.client, { ...STREAM, runId }, req, res, { keepAliveMs: 50 });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async function answered(runId: string): Promise<void> {
    await env.worker({
      namespace: STREAM.namespace,
      workflows: {
        answer: async (ctx: RunContext, gate: boolean) => {
          if (gate) await ctx.awaitSignal("go", "1h");
          return ctx.execActivity("tokens", null, { retry: fast });
        },
      },
      activities: {
        tokens: async (ctx: ActivityContext) => {
          for (const token of ["Hel", "lo"]) await ctx.writeStream("tokens", token);
          if (ctx.attempt === 1) throw new Error("the model went away");
          await ctx.writeStream("tokens", "!");
          return "done";
        },
      },
    });
    await env.client.runWorkflow(STREAM.namespace, "answer", runId, false);
    await env.client.awaitResult(STREAM.namespace, "answer", runId, { timeout: "10s" });
  }

  describe("sendSse", () => {
    it("serves every chunk as an event with its offset as id, a reset as a reset event, then an end event", async () => {
      await answered("n1");
      const response = await fetch(`${await serve()}/n1`);
      expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
      expect(parseEvents(await response.text())).toEqual(ANSWER);
    });

    it("resumes after the Last-Event-ID a reconnecting browser sends", async () => {
      await answered("n2");
      const response = await fetch(`${await serve()}/n2`, { headers: { "last-event-id": "3" } });
      expect(parseEvents(await response.text())).toEqual(ANSWER.slice(4));
    });

    it("keeps the response open for chunks written while it is, and answers 404 and 400 for what it cannot serve", async () => {
      const base = await serve();
      await env.client.runWorkflow(STREAM.namespace, "answer", "n3", true);
      const pending = fetch(`${base}/n3`).then((response) => response.text());
      await new Promise((resolve) => setTimeout(resolve, 150));
      await env.client.signalRun(STREAM.namespace, "answer", "n3", "go", null, "go");
      const text = await pending;
      expect(text).toContain(": keep-alive");
      expect(parseEvents(text)).toEqual(ANSWER);
      expect((await fetch(`${base}/nobody`)).status).toBe(404);
      const bad = await fetch(`${base}/n3`, { headers: { "last-event-id": "soon" } });
      expect(bad.status).toBe(400);
    });
  });

  describe("sseResponse", () => {
    it("serves the same events in a web-standard Response, resuming after Last-Event-ID", async () => {
      await answered("w1");
      const stream = { ...STREAM, runId: "w1" };
      const whole = await sseResponse(env.client, stream, new Request("http://app/answer"));
      expect(whole.status).toBe(200);
      expect(parseEvents(await whole.text())).toEqual(ANSWER);
      const resumed = await sseResponse(
        env.client,
        stream,
        new Request("http://app/answer", { headers: { "Last-Event-ID": "1" } }),
      );
      expect(parseEvents(await resumed.text())).toEqual(ANSWER.slice(2));
      expect((await sseResponse(env.client, { ...stream, runId: "nobody" })).status).toBe(404);
    });
  });
});
