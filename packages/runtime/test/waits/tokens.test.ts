import { describe, expect, it } from "vitest";
import type { Duration, RunContext } from "../../src/api.js";
import { TokenExpiredError, TokenTimeoutError, UnknownTokenError } from "../../src/index.js";
import { forEachStore, historyOf, shape } from "../support/helpers.js";
import { reached, tokenIdOf } from "./support.js";

forEachStore((env) => {
  const ns = "tokens";
  const workflows = {
    /** Creates a token, waits for a signal, then awaits the token (so a completion may come first). */
    approval: async (ctx: RunContext, input: { timeout?: Duration; early?: boolean }) => {
      const token = await ctx.createToken({ name: "approval", ...(input.timeout ? { timeout: input.timeout } : {}) });
      if (input.early) await ctx.awaitSignal("go", "1h");
      try {
        return { id: token.id, decision: await ctx.awaitToken(token.id) };
      } catch (error) {
        const { name, message, code } = error as Error & { code?: string };
        return { id: token.id, failed: { name, message, code, timeout: error instanceof TokenTimeoutError } };
      }
    },
  };
  const start = async (runId: string, input: { timeout?: Duration; early?: boolean } = {}) => {
    await env.client.runWorkflow(ns, "approval", runId, input);
    return tokenIdOf(env.client, ns, "approval", runId);
  };
  const result = (runId: string) => env.client.awaitResult(ns, "approval", runId, { timeout: "20s" });

  describe("a completion token", () => {
    it("completed while the run awaits it resumes the run with the value", async () => {
      await env.worker({ namespace: ns, workflows, activities: {} });
      const id = await start("during");
      expect(id).toMatch(/^tok_[A-Za-z0-9_-]{24}$/);
      await reached(env.client, ns, "approval", "during", "token_awaited");
      expect(await env.client.completeToken(id, { approved: true, by: "ana" })).toBe(true);
      expect(await result("during")).toEqual({ id, decision: { approved: true, by: "ana" } });
      expect(shape(await historyOf(env.client, ns, "approval", "during"))).toEqual([
        "created",
        "token_created approval#0",
        `token_awaited ${id}#0`,
        `token_completed ${id}#0`,
        "completed",
      ]);
    });

    it("completed before the run awaits it is kept until it does", async () => {
      const id = await start("before", { early: true });
      expect(await env.client.completeToken(id, "yes")).toBe(true);
      await env.client.signalRun(ns, "approval", "before", "go", null, "go-1");
      expect(await result("before")).toEqual({ id, decision: "yes" });
    });

    it("completed twice answers false the second time, and failing it after that changes nothing", async () => {
      const id = await start("twice");
      expect(await env.client.completeToken(id, 1)).toBe(true);
      expect(await env.client.completeToken(id, 2)).toBe(false);
      expect(await env.client.failToken(id, new Error("too late"))).toBe(false);
      expect(await result("twice")).toEqual({ id, decision: 1 });
    });

    it("failed rejects the await with the error's name, message and code", async () => {
      const id = await start("failed");
      const error = Object.assign(new RangeError("over the limit"), { code: "LIMIT" });
      expect(await env.client.failToken(id, error)).toBe(true);
      expect(await result("failed")).toEqual({
        id,
        failed: { name: "RangeError", message: "over the limit", code: "LIMIT", timeout: false },
      });
    });

    it("completed after its run ended is refused with TokenExpiredError, storing nothing", async () => {
      const id = await start("ended");
      await env.client.completeToken(id, "first");
      await result("ended");
      const other = await start("ended-2", { early: true });
      await env.client.cancelRun(ns, "approval", "ended-2");
      await expect(env.client.awaitResult(ns, "approval", "ended-2", { timeout: "20s" })).rejects.toThrow();
      await expect(env.client.completeToken(other, "late")).rejects.toBeInstanceOf(TokenExpiredError);
      // The first token was completed: a retry of that completion is still answered false.
      expect(await env.client.completeToken(id, "first")).toBe(false);
    });

    it("that does not exist is refused with UnknownTokenError", async () => {
      await expect(env.client.completeToken("tok_AAAAAAAAAAAAAAAAAAAAAAAA", 1)).rejects.toBeInstanceOf(
        UnknownTokenError,
      );
      await expect(env.client.failToken("not a token", "x")).rejects.toBeInstanceOf(UnknownTokenError);
    });

    it("that times out rejects the await with TokenTimeoutError, and a later completion is refused", async () => {
      const id = await start("timeout", { timeout: "300ms" });
      expect(await result("timeout")).toMatchObject({ id, failed: { name: "TokenTimeoutError", timeout: true } });
      await expect(env.client.completeToken(id, "late")).rejects.toThrow(/timeout passed/);
    });
  });
});
