import { request as httpRequest } from "node:http";
import { type CodecStore, createClient, createStoreClient } from "@replaykit/runtime";
import { createScratchDatabase } from "@replaykit/runtime/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Inspector, startInspector } from "../../src/inspector/index.js";
import { replaykit, type Shop, startShop, until } from "../replaykit/fixture.js";

let shop: Shop;
let inspector: Inspector;

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** A raw HTTP request, so that Host and Origin are exactly what a test says. */
function send(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
  to: Inspector = inspector,
): Promise<Answer> {
  const url = new URL(path, to.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers: { host: url.host, ...headers } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        text += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const cancel = (headers: Record<string, string>) =>
  send("POST", "/api/cancel", headers, JSON.stringify({ namespace: "shop", workflow: "order", runId: "h-1" }));

beforeAll(async () => {
  shop = await startShop(inject("mysqlUrl"));
  await shop.client.runWorkflow("shop", "order", "h-1", { cents: 1, note: "</pre><script>bad()</script>" });
  await until(async () => (await shop.client.getRun("shop", "order", "h-1")) !== undefined, "the run");
  inspector = await startInspector({
    client: shop.client,
    port: 0,
    token: "secret-token-for-tests",
    routes: { "/metrics": async ({ response }) => void response.end("# reserved\n") },
  });
});
afterAll(async () => {
  await inspector.close();
  await shop.close();
});

describe("the inspector over HTTP", () => {
  it("binds 127.0.0.1, sends a strict content security policy, and escapes payloads", async () => {
    expect(inspector.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await send("GET", "/run?ns=shop&wf=order&id=h-1");
    expect(page.status).toBe(200);
    expect(page.headers["content-security-policy"]).toContain("script-src 'self'");
    expect(page.body).toContain("&lt;/pre&gt;&lt;script&gt;bad()&lt;/script&gt;");
    expect(page.body).not.toContain("<script>bad()");
  });

  it("refuses a Host that is not its own (DNS rebinding)", async () => {
    const answer = await send("GET", "/", { host: "attacker.example:80" });
    expect(answer.status).toBe(403);
  });

  it("refuses writes without the token, from another origin, or not as JSON", async () => {
    const json = { "content-type": "application/json" };
    expect((await cancel(json)).status).toBe(401);
    expect((await cancel({ ...json, "x-replaykit-token": "wrong" })).status).toBe(401);
    const foreign = await cancel({
      ...json,
      "x-replaykit-token": "secret-token-for-tests",
      origin: "http://attacker.example",
    });
    expect(foreign.status).toBe(403);
    const form = await cancel({ "content-type": "text/plain", "x-replaykit-token": "secret-token-for-tests" });
    expect(form.status).toBe(403);
    expect((await shop.client.getRun("shop", "order", "h-1"))?.cancelRequested).toBe(false);
    const own = await cancel({
      ...json,
      "x-replaykit-token": "secret-token-for-tests",
      origin: inspector.url.slice(0, -1),
    });
    expect(own.status).toBe(200);
    expect(JSON.parse(own.body)).toMatchObject({ ok: true });
    expect((await shop.client.getRun("shop", "order", "h-1"))?.cancelRequested).toBe(true);
  });

  it("sends a signal once per external id and resumes only stuck runs, answering what happened", async () => {
    const headers = { "content-type": "application/json", "x-replaykit-token": "secret-token-for-tests" };
    const run = { namespace: "shop", workflow: "order", runId: "h-2" };
    const signal = JSON.stringify({ ...run, signal: "warehouseReady", externalId: "e-1", message: { picker: "<b>" } });
    const sent = await send("POST", "/api/signal", headers, signal);
    expect([sent.status, JSON.parse(sent.body).message]).toEqual([200, "signal warehouseReady sent to order/h-2"]);
    expect((await send("POST", "/api/signal", headers, signal)).status).toBe(409);
    const resume = await send("POST", "/api/resume", headers, JSON.stringify(run));
    expect(resume.status).toBe(404);
    expect(JSON.parse(resume.body).error).toMatch(/no run shop\/order\/h-2/);
    const bad = await send(
      "POST",
      "/api/signal",
      headers,
      JSON.stringify({ ...run, signal: "a/b", externalId: "e", message: 1 }),
    );
    expect(bad.status).toBe(400);
  });

  it("answers 404 for unknown pages and runs, and serves routes mounted by other parts (/metrics)", async () => {
    expect((await send("GET", "/nothing")).status).toBe(404);
    expect((await send("GET", "/run?ns=shop&wf=order&id=none")).status).toBe(404);
    expect((await send("GET", "/?ns=shop&status=lost")).status).toBe(400);
    expect((await send("GET", "/metrics")).body).toBe("# reserved\n");
  });
});

describe("the inspector's guards", () => {
  it("refuses an empty or short token at start, from the library and from replaykit ui", async () => {
    for (const token of ["", "short"]) {
      await expect(startInspector({ client: shop.client, port: 0, token })).rejects.toThrow(
        /the token for actions must be at least 16 characters, got \d+/,
      );
    }
    const ui = await replaykit(["ui", "--port", "0", "--token", ""], { REPLAY_MYSQL_URL: shop.db.url });
    expect(ui.code).toBe(2);
    expect(ui.stderr).toMatch(/the token for actions must be at least 16 characters, got 0/);
  });

  it("serves another address only with a token of its own and the Host names it may be reached by, and checks Host there too", async () => {
    const open = { client: shop.client, port: 0, host: "0.0.0.0" };
    await expect(startInspector(open)).rejects.toThrow(/needs a token of your own: pass --token/);
    await expect(startInspector({ ...open, token: "a-token-of-my-own" })).rejects.toThrow(/pass --allow-host <name>/);
    const exposed = await startInspector({ ...open, token: "a-token-of-my-own", allowHosts: ["ops.example"] });
    try {
      const port = new URL(exposed.url).port;
      expect((await send("GET", "/", { host: "attacker.example" }, undefined, exposed)).status).toBe(403);
      expect((await send("GET", "/", { host: `attacker.example:${port}` }, undefined, exposed)).status).toBe(403);
      expect((await send("GET", "/", { host: `ops.example:${port}` }, undefined, exposed)).status).toBe(200);
      expect((await send("GET", "/", { host: "ops.example" }, undefined, exposed)).status).toBe(200);
      expect((await send("GET", "/", { host: `127.0.0.1:${port}` }, undefined, exposed)).status).toBe(200);
    } finally {
      await exposed.close();
    }
  });

  it("answers 400 to a write whose JSON body is not an object", async () => {
    const headers = { "content-type": "application/json", "x-replaykit-token": "secret-token-for-tests" };
    for (const body of ["null", "[]", '"text"', "3"]) {
      const answer = await send("POST", "/api/cancel", headers, body);
      expect([answer.status, JSON.parse(answer.body).error]).toEqual([
        400,
        expect.stringMatching(/must be a JSON object/),
      ]);
    }
  });

  it("answers 503 within its page timeout while the database does not answer", async () => {
    // A database that does not answer: every query of the store under the client's payload boundary hangs.
    const never = new Promise<never>(() => {});
    const inner = (shop.client.store as CodecStore).inner;
    const frozenStore = new Proxy(inner, {
      get(target, name) {
        const value: unknown = Reflect.get(target, name);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          const result: unknown = value.apply(target, args);
          return result instanceof Promise ? never : result;
        };
      },
    });
    const slow = await startInspector({ client: createStoreClient(frozenStore), port: 0, pageTimeoutMs: 200 });
    try {
      for (const path of ["/", "/run?ns=shop&wf=order&id=h-1"]) {
        const answer = await send("GET", path, {}, undefined, slow);
        expect(answer.status).toBe(503);
        expect(answer.body).toContain("the database did not answer within 200 ms");
      }
    } finally {
      await slow.close();
    }
  });

  it("answers 503 on a database that was never migrated, saying to migrate", async () => {
    const empty = await createScratchDatabase(inject("mysqlUrl"));
    const client = createClient({ pool: empty.pool });
    const bare = await startInspector({ client, port: 0 });
    try {
      const answer = await send("GET", "/?ns=shop", {}, undefined, bare);
      expect(answer.status).toBe(503);
      expect(answer.body).toContain("Database not migrated");
      expect(answer.body).toMatch(/migrate\(\)/);
      const headers = { "content-type": "application/json", "x-replaykit-token": bare.token };
      const write = await send(
        "POST",
        "/api/cancel",
        headers,
        JSON.stringify({ namespace: "shop", workflow: "o", runId: "r" }),
        bare,
      );
      expect(write.status).toBe(503);
    } finally {
      await bare.close();
      await empty.drop();
    }
  });
});
