import { describe, expect, it } from "vitest";
import type { ActivityContext, Client, RunContext, StreamChunk } from "../../src/api.js";
import { RunNotFoundError, StreamClosedError } from "../../src/index.js";
import { forEachStore, historyOf, waitFor } from "../support/helpers.js";

/** Every chunk of the stream, following it to its end. */
async function readAll(client: Client, ns: string, wf: string, runId: string, key: string, after?: number) {
  const chunks: StreamChunk[] = [];
  const opts = after === undefined ? { follow: true } : { follow: true, after };
  for await (const chunk of client.readStream(ns, wf, runId, key, opts)) chunks.push(chunk);
  return chunks;
}

const fast = { initialInterval: 10, maxInterval: 10 } as const;

forEachStore((env) => {
  describe("streams written by the workflow", () => {
    it("yield every chunk once at dense offsets from 0, also when every step is replayed", async () => {
      const ns = "wfstream";
      await env.worker({
        namespace: ns,
        cacheSize: 0,
        workflows: {
          talk: async (ctx: RunContext, input: { words: string[] }) => {
            for (const word of input.words) {
              await ctx.writeStream("answer", word);
              await ctx.execActivity("tick", word);
            }
            await ctx.closeStream("answer");
            return input.words.length;
          },
        },
        activities: { tick: async (_ctx: ActivityContext, _b: never, word: string) => word.length },
      });
      const words = ["durable", "streams", "replay", "once"];
      await env.client.runWorkflow(ns, "talk", "t1", { words });
      const chunks = await readAll(env.client, ns, "talk", "t1", "answer");
      expect(chunks).toEqual(words.map((value, offset) => ({ offset, value })));
      expect(await env.client.awaitResult(ns, "talk", "t1", { timeout: "10s" })).toBe(4);
      const writes = (await historyOf(env.client, ns, "talk", "t1")).filter((e) => e.type === "stream_write");
      expect(writes.map((event) => [event.target, event.seq, event.payload])).toEqual(
        words.map((word, seq) => ["answer", seq, word]),
      );
    });

    it("refuse a write after closeStream in the same iteration, at the call", async () => {
      const ns = "wfclosed";
      await env.worker({
        namespace: ns,
        workflows: {
          late: async (ctx: RunContext) => {
            await ctx.writeStream("s", 1);
            await ctx.closeStream("s");
            await ctx.closeStream("s");
            try {
              await ctx.writeStream("s", 2);
              return "written";
            } catch (error) {
              return error instanceof StreamClosedError ? error.code : String(error);
            }
          },
        },
        activities: {},
      });
      await env.client.runWorkflow(ns, "late", "l1", null);
      expect(await env.client.awaitResult(ns, "late", "l1", { timeout: "10s" })).toBe("STREAM_CLOSED");
      expect(await readAll(env.client, ns, "late", "l1", "s")).toEqual([{ offset: 0, value: 1 }]);
    });
  });

  describe("streams written by activities", () => {
    it("carry each chunk with its attempt, and end for a following reader when the run ends", async () => {
      const ns = "actstream";
      await env.worker({
        namespace: ns,
        workflows: { gen: async (ctx: RunContext, n: number) => ctx.execActivity("tokens", n) },
        activities: {
          tokens: async (ctx: ActivityContext, _b: never, n: number) => {
            for (let i = 0; i < n; i++) await ctx.writeStream("tokens", `t${i}`);
            return n;
          },
        },
      });
      await env.client.runWorkflow(ns, "gen", "g1", 300);
      const chunks = await readAll(env.client, ns, "gen", "g1", "tokens");
      expect(chunks).toHaveLength(300);
      expect(chunks.map((chunk) => chunk.offset)).toEqual([...Array(300).keys()]);
      expect(chunks.every((chunk, i) => chunk.value === `t${i}` && chunk.attempt === 1)).toBe(true);
      expect(await env.client.awaitResult(ns, "gen", "g1", { timeout: "10s" })).toBe(300);
    });

    it("give readers a reset marker for a failed attempt before the next attempt's chunks", async () => {
      const ns = "resets";
      await env.worker({
        namespace: ns,
        workflows: { ask: async (ctx: RunContext) => ctx.execActivity("answer", null, { retry: fast }) },
        activities: {
          answer: async (ctx: ActivityContext) => {
            for (const word of ["the", "answer"]) await ctx.writeStream("answer", word);
            if (ctx.attempt < 3) throw new Error(`attempt ${ctx.attempt} lost the model`);
            await ctx.writeStream("answer", "is 42");
            await ctx.closeStream("answer");
            return "done";
          },
        },
      });
      await env.client.runWorkflow(ns, "ask", "a1", null);
      const chunks = await readAll(env.client, ns, "ask", "a1", "answer");
      expect(chunks).toEqual([
        { offset: 0, value: "the", attempt: 1 },
        { offset: 1, value: "answer", attempt: 1 },
        { offset: 2, value: undefined, attempt: 1, reset: true },
        { offset: 3, value: "the", attempt: 2 },
        { offset: 4, value: "answer", attempt: 2 },
        { offset: 5, value: undefined, attempt: 2, reset: true },
        { offset: 6, value: "the", attempt: 3 },
        { offset: 7, value: "answer", attempt: 3 },
        { offset: 8, value: "is 42", attempt: 3 },
      ]);
      expect(await env.client.awaitResult(ns, "ask", "a1", { timeout: "10s" })).toBe("done");
    });

    it("reopen a stream that the failed attempt had closed, so the retry streams its answer again", async () => {
      const ns = "reopen";
      await env.worker({
        namespace: ns,
        workflows: { ask: async (ctx: RunContext) => ctx.execActivity("answer", null, { retry: fast }) },
        activities: {
          answer: async (ctx: ActivityContext) => {
            await ctx.writeStream("answer", `try ${ctx.attempt}`);
            await ctx.closeStream("answer");
            if (ctx.attempt === 1) throw new Error("failed after closing");
            return "ok";
          },
        },
      });
      await env.client.runWorkflow(ns, "ask", "r1", null);
      expect(await env.client.awaitResult(ns, "ask", "r1", { timeout: "10s" })).toBe("ok");
      expect(await readAll(env.client, ns, "ask", "r1", "answer")).toEqual([
        { offset: 0, value: "try 1", attempt: 1 },
        { offset: 1, value: undefined, attempt: 1, reset: true },
        { offset: 2, value: "try 2", attempt: 2 },
      ]);
    });

    it("interleave parallel writers at dense offsets, each writer's chunks in its own order", async () => {
      const ns = "parallel";
      await env.worker({
        namespace: ns,
        workflows: {
          fan: async (ctx: RunContext, n: number) => {
            const writers = ["a", "b", "c", "d"].map((id) => ctx.execActivity("write", { id, n }));
            await Promise.all([...writers, ctx.writeStream("mixed", "workflow")]);
            return "done";
          },
        },
        activities: {
          write: async (ctx: ActivityContext, _b: never, input: { id: string; n: number }) => {
            for (let i = 0; i < input.n; i++) await ctx.writeStream("mixed", `${input.id}${i}`);
            return null;
          },
        },
      });
      await env.client.runWorkflow(ns, "fan", "f1", 200);
      const chunks = await readAll(env.client, ns, "fan", "f1", "mixed");
      expect(chunks.map((chunk) => chunk.offset)).toEqual([...Array(801).keys()]);
      for (const id of ["a", "b", "c", "d"]) {
        const own = chunks.map((chunk) => String(chunk.value)).filter((value) => value.startsWith(id));
        expect(own).toEqual([...Array(200).keys()].map((i) => `${id}${i}`));
      }
      expect(chunks.filter((chunk) => chunk.value === "workflow")).toEqual([
        expect.objectContaining({ value: "workflow" }),
      ]);
    });

    it("refuse writes after the activity closed its stream", async () => {
      const ns = "actclosed";
      await env.worker({
        namespace: ns,
        workflows: { once: async (ctx: RunContext) => ctx.execActivity("once", null) },
        activities: {
          once: async (ctx: ActivityContext) => {
            await ctx.writeStream("s", "only");
            await ctx.closeStream("s");
            return ctx.writeStream("s", "late").then(
              () => "written",
              (error: unknown) => (error instanceof StreamClosedError ? error.code : String(error)),
            );
          },
        },
      });
      await env.client.runWorkflow(ns, "once", "o1", null);
      expect(await env.client.awaitResult(ns, "once", "o1", { timeout: "10s" })).toBe("STREAM_CLOSED");
    });
  });

  describe("reading", () => {
    it("resumes after every offset with no gap and no duplicate", async () => {
      const ns = "resume";
      await env.worker({
        namespace: ns,
        workflows: { gen: async (ctx: RunContext, n: number) => ctx.execActivity("count", n) },
        activities: {
          count: async (ctx: ActivityContext, _b: never, n: number) => {
            for (let i = 0; i < n; i++) await ctx.writeStream("n", i);
            return n;
          },
        },
      });
      await env.client.runWorkflow(ns, "gen", "c1", 40);
      await env.client.awaitResult(ns, "gen", "c1", { timeout: "10s" });
      for (let after = -1; after < 40; after++) {
        const rest = await readAll(env.client, ns, "gen", "c1", "n", after);
        expect(rest.map((chunk) => chunk.value)).toEqual([...Array(39 - after).keys()].map((i) => i + after + 1));
      }
    });

    it("lose nothing when the reader is slower than the writer", async () => {
      const ns = "slow";
      await env.worker({
        namespace: ns,
        workflows: { gen: async (ctx: RunContext, n: number) => ctx.execActivity("flood", n) },
        activities: {
          flood: async (ctx: ActivityContext, _b: never, n: number) => {
            for (let i = 0; i < n; i++) await ctx.writeStream("flood", i);
            return n;
          },
        },
      });
      await env.client.runWorkflow(ns, "gen", "s1", 3000);
      const seen: number[] = [];
      for await (const chunk of env.client.readStream(ns, "gen", "s1", "flood", { follow: true })) {
        seen.push(chunk.value as number);
        if (seen.length % 500 === 0) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(seen).toEqual([...Array(3000).keys()]);
    });

    it("ends at the chunks written so far without follow, and refuses a run that does not exist", async () => {
      const ns = "nofollow";
      await env.worker({
        namespace: ns,
        workflows: {
          hold: async (ctx: RunContext) => {
            await ctx.writeStream("s", "first");
            await ctx.awaitSignal("go", "1h");
            return "done";
          },
        },
        activities: {},
      });
      await env.client.runWorkflow(ns, "hold", "h1", null);
      const snapshot = async () => {
        const chunks: StreamChunk[] = [];
        for await (const chunk of env.client.readStream(ns, "hold", "h1", "s")) chunks.push(chunk);
        return chunks;
      };
      await waitFor(async () => (await snapshot()).length > 0, 10_000, "the first chunk");
      expect(await snapshot()).toEqual([{ offset: 0, value: "first" }]);
      const missing = env.client.readStream(ns, "hold", "nope", "s")[Symbol.asyncIterator]().next();
      await expect(missing).rejects.toBeInstanceOf(RunNotFoundError);
      await env.client.signalRun(ns, "hold", "h1", "go", null, "go");
      await env.client.awaitResult(ns, "hold", "h1", { timeout: "10s" });
    });
  });

  describe("retention", () => {
    it("purges a run's streams with the run", async () => {
      const ns = "purge";
      await env.worker({
        namespace: ns,
        workflows: {
          gen: async (ctx: RunContext) => {
            await ctx.writeStream("s", "x");
            return ctx.execActivity("more", null);
          },
        },
        activities: {
          more: async (ctx: ActivityContext) => {
            await ctx.writeStream("s", "y");
            return null;
          },
        },
      });
      await env.client.runWorkflow(ns, "gen", "p1", null);
      await env.client.awaitResult(ns, "gen", "p1", { timeout: "10s" });
      expect(await readAll(env.client, ns, "gen", "p1", "s")).toHaveLength(2);
      expect(await env.client.purgeRuns(ns, { endedBefore: new Date(Date.now() + 60_000) })).toBe(1);
      const gone = env.client.readStream(ns, "gen", "p1", "s")[Symbol.asyncIterator]().next();
      await expect(gone).rejects.toBeInstanceOf(RunNotFoundError);
      // A run started again with the same id has a fresh stream.
      await env.client.runWorkflow(ns, "gen", "p1", null);
      await env.client.awaitResult(ns, "gen", "p1", { timeout: "10s" });
      expect((await readAll(env.client, ns, "gen", "p1", "s")).map((chunk) => chunk.offset)).toEqual([0, 1]);
    });
  });
});
