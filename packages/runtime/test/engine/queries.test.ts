import { describe, expect, it } from "vitest";
import type { RunContext } from "../../src/api.js";
import { QueryTimeoutError, RunEndedError, UnknownQueryError } from "../../src/index.js";
import { forEachStore, historyOf, rejectionOf, shape, waitFor } from "../support/helpers.js";

/**
 * The scenarios of Temporal's cross-SDK features suite for queries (temporalio/features,
 * query/*), restated for replaykit, on every store.
 */

/** A shopping list: signals add items; queries read them back. */
async function list(ctx: RunContext): Promise<string[]> {
  const items: string[] = [];
  ctx.onQuery("items", () => items);
  ctx.onQuery("item", (index: number) => {
    if (!Number.isInteger(index)) throw new TypeError(`item takes the index of an item, got ${JSON.stringify(index)}`);
    return items[index] ?? null;
  });
  ctx.onQuery("count", () => items.length);
  ctx.onQuery("charge", () => ctx.execActivity("charge", items.length));
  for (;;) {
    const item = (await ctx.awaitSignal("add", "1h")) as string | undefined;
    if (item === undefined || item === "done") return items;
    items.push(item);
  }
}

forEachStore((env) => {
  describe("queries", () => {
    it("are answered from the run's state, in this process and from another, writing nothing to its history (successful_query)", async () => {
      await env.worker({ namespace: "qry", workflows: { list }, activities: {} });
      await env.client.runWorkflow("qry", "list", "l1", null);
      expect(await env.client.queryRun("qry", "list", "l1", "items")).toEqual([]);
      for (const [i, item] of ["milk", "eggs"].entries())
        await env.client.signalRun("qry", "list", "l1", "add", item, `a${i}`);
      await waitFor(async () => (await env.client.queryRun("qry", "list", "l1", "count")) === 2);
      const before = await historyOf(env.client, "qry", "list", "l1");
      expect(await env.client.queryRun("qry", "list", "l1", "items")).toEqual(["milk", "eggs"]);
      expect(await env.client.queryRun("qry", "list", "l1", "item", 1)).toBe("eggs");
      const remote = env.clientWith({});
      expect(await remote.queryRun("qry", "list", "l1", "items", undefined, { timeout: "20s" })).toEqual([
        "milk",
        "eggs",
      ]);
      expect(await historyOf(env.client, "qry", "list", "l1")).toEqual(before);
    });

    it("with a name the run has no handler for fail with UnknownQueryError (unexpected_query_type_name)", async () => {
      await env.worker({ namespace: "qry-name", workflows: { list }, activities: {} });
      await env.client.runWorkflow("qry-name", "list", "l1", null);
      const unknown = await rejectionOf(env.client.queryRun("qry-name", "list", "l1", "price"));
      expect(unknown).toBeInstanceOf(UnknownQueryError);
      expect(unknown).toMatchObject({ code: "UNKNOWN_QUERY", query: "price" });
      expect(unknown.message).toContain(
        'has no handler for query "price" (its query handlers: "items", "item", "count", "charge")',
      );
      const remote = env.clientWith({});
      await expect(remote.queryRun("qry-name", "list", "l1", "price", null, { timeout: "20s" })).rejects.toThrow(
        UnknownQueryError,
      );
    });

    it("with arguments the handler throws on fail with UnknownQueryError carrying its message (unexpected_arguments)", async () => {
      await env.worker({ namespace: "qry-args", workflows: { list }, activities: {} });
      await env.client.runWorkflow("qry-args", "list", "l1", null);
      const refused = await rejectionOf(env.client.queryRun("qry-args", "list", "l1", "item", "first"));
      expect(refused).toBeInstanceOf(UnknownQueryError);
      expect(refused).toMatchObject({
        reason: { name: "TypeError", message: 'item takes the index of an item, got "first"' },
      });
    });

    it("answer as the handler returned, whatever the caller expected; an answer that is not JSON is refused (unexpected_return_type)", async () => {
      await env.worker({
        namespace: "qry-types",
        workflows: {
          odd: async (ctx: RunContext) => {
            ctx.onQuery("number", () => 42);
            ctx.onQuery("nothing", () => undefined);
            ctx.onQuery("bigint", () => 42n);
            await ctx.awaitSignal("never", "1h");
          },
        },
        activities: {},
      });
      await env.client.runWorkflow("qry-types", "odd", "o1", null);
      const answer: unknown = await env.client.queryRun("qry-types", "odd", "o1", "number");
      expect(typeof answer).toBe("number");
      expect(await env.client.queryRun("qry-types", "odd", "o1", "nothing")).toBeNull();
      const bigint = await rejectionOf(env.client.queryRun("qry-types", "odd", "o1", "bigint"));
      expect(bigint).toBeInstanceOf(UnknownQueryError);
      expect(bigint).toMatchObject({ reason: { name: "InvalidPayloadError" } });
    });

    it("whose handler runs an activity are refused, and nothing is recorded", async () => {
      await env.worker({ namespace: "qry-cmd", workflows: { list }, activities: { charge: async () => 1 } });
      await env.client.runWorkflow("qry-cmd", "list", "l1", null);
      const refused = await rejectionOf(env.client.queryRun("qry-cmd", "list", "l1", "charge"));
      expect(refused).toBeInstanceOf(UnknownQueryError);
      expect(refused).toMatchObject({ reason: { name: "ReadOnlyContextError" } });
      expect(refused.message).toContain('ctx.execActivity was called in the handler of query "charge"');
      expect(shape(await historyOf(env.client, "qry-cmd", "list", "l1"))).toEqual(["created", "signal_request add#0"]);
    });

    it("that no worker answers time out with QueryTimeoutError, and leave nothing behind (timeout_due_to_no_active_workers)", async () => {
      await env.client.runWorkflow("qry-idle", "list", "l1", null);
      const timedOut = await rejectionOf(
        env.client.queryRun("qry-idle", "list", "l1", "items", null, { timeout: "300ms" }),
      );
      expect(timedOut).toBeInstanceOf(QueryTimeoutError);
      expect(timedOut).toMatchObject({ code: "QUERY_TIMEOUT", query: "items", timeoutMs: 300 });
      expect(timedOut.message).toContain(
        'Workers answer queries: start one for namespace "qry-idle" with workflow "list"',
      );
      expect(await env.client.store.loadRequests({ namespace: "qry-idle", workflow: "list", runId: "l1" })).toEqual([]);
    });

    it("to a run that ended are refused with RunEndedError", async () => {
      await env.worker({ namespace: "qry-ended", workflows: { list }, activities: {} });
      await env.client.runWorkflow("qry-ended", "list", "l1", null);
      await env.client.signalRun("qry-ended", "list", "l1", "add", "done", "d");
      await env.client.awaitResult("qry-ended", "list", "l1", { timeout: "10s" });
      await expect(env.client.queryRun("qry-ended", "list", "l1", "items")).rejects.toThrow(RunEndedError);
    });
  });
});
