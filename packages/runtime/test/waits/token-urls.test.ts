import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunContext } from "../../src/api.js";
import { createTokenHandler, tokenUrl } from "../../src/index.js";
import { forEachStore } from "../support/helpers.js";
import { reached, tokenIdOf } from "./support.js";

forEachStore((env) => {
  const ns = "urls";
  const OLD = "old secret";
  const NEW = "new secret";
  let server: Server;
  let base: string;
  beforeAll(async () => {
    const handler = createTokenHandler({ client: env.client, secret: [NEW, OLD] });
    server = createServer((req, res) => handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/tokens`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const workflows = {
    approval: async (ctx: RunContext) => {
      const { id } = await ctx.createToken({ timeout: "1h" });
      try {
        return await ctx.awaitToken(id);
      } catch (error) {
        return { failed: (error as Error).message };
      }
    },
  };
  const startRun = async (runId: string) => {
    await env.client.runWorkflow(ns, "approval", runId, null);
    const id = await tokenIdOf(env.client, ns, "approval", runId);
    await reached(env.client, ns, "approval", runId, "token_awaited");
    return id;
  };
  const post = (url: string, body?: unknown) =>
    fetch(url, { method: "POST", ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const result = (runId: string) => env.client.awaitResult(ns, "approval", runId, { timeout: "20s" });

  describe("a signed token URL", () => {
    it("completes the token with the JSON body of a POST, once", async () => {
      await env.worker({ namespace: ns, workflows, activities: {} });
      const id = await startRun("signed");
      const url = tokenUrl(id, { baseUrl: base, secret: NEW });
      expect(url).toMatch(new RegExp(`^${base}/${id}\\?sig=[A-Za-z0-9_-]{43}$`));
      const first = await post(url, { approved: true });
      expect([first.status, await first.json()]).toEqual([200, { completed: true }]);
      const again = await post(url, { approved: false });
      expect([again.status, await again.json()]).toEqual([200, { completed: false }]);
      expect(await result("signed")).toEqual({ approved: true });
    });

    it("that is tampered with or unsigned is refused with 403 and changes nothing", async () => {
      const id = await startRun("tampered");
      const url = new URL(tokenUrl(id, { baseUrl: base, secret: NEW }));
      const signature = url.searchParams.get("sig") ?? "";
      url.searchParams.set("sig", `${signature.slice(0, -1)}${signature.endsWith("A") ? "B" : "A"}`);
      expect((await post(url.toString(), "forged")).status).toBe(403);
      url.searchParams.delete("sig");
      expect((await post(url.toString(), "forged")).status).toBe(403);
      const other = await startRun("other");
      const signedForOther = new URL(tokenUrl(other, { baseUrl: base, secret: NEW }));
      expect((await post(`${base}/${id}?sig=${signedForOther.searchParams.get("sig")}`, "forged")).status).toBe(403);
      expect((await post(tokenUrl(id, { baseUrl: base, secret: "guessed" }), "forged")).status).toBe(403);
      // Nothing was stored: the real completion is the first.
      expect(await env.client.completeToken(id, "real")).toBe(true);
      expect(await result("tampered")).toBe("real");
    });

    it("signed with a rotated-out secret that is still listed is accepted, and fails the token through /fail", async () => {
      const id = await startRun("rotated");
      const response = await post(tokenUrl(id, { baseUrl: base, secret: OLD, action: "fail" }), {
        message: "declined",
      });
      expect(response.status).toBe(200);
      expect(await result("rotated")).toEqual({ failed: "declined" });
    });

    it("answers 405 to a GET, 400 to a body that is not JSON, and 404 for a token no run created", async () => {
      const id = await startRun("errors");
      const url = tokenUrl(id, { baseUrl: base, secret: NEW });
      expect((await fetch(url)).status).toBe(405);
      expect((await fetch(url, { method: "POST", body: "{not json" })).status).toBe(400);
      const unknown = tokenUrl("tok_AAAAAAAAAAAAAAAAAAAAAAAA", { baseUrl: base, secret: NEW });
      expect((await post(unknown, 1)).status).toBe(404);
      expect((await post(url, "ok")).status).toBe(200);
    });

    it("is served by .fetch to a web-standard server as well", async () => {
      const handler = createTokenHandler({ client: env.client, secret: NEW });
      const id = await startRun("fetch");
      const url = tokenUrl(id, { baseUrl: "https://app.example.com/t", secret: NEW });
      const response = await handler.fetch(new Request(url, { method: "POST", body: JSON.stringify(42) }));
      expect([response.status, await response.json()]).toEqual([200, { completed: true }]);
      const forged = await handler.fetch(new Request(url.replace(/sig=./, "sig=x"), { method: "POST", body: "1" }));
      expect(forged.status).toBe(403);
      expect(await result("fetch")).toBe(42);
    });
  });
});
