import { createWorker, type RunContext, tokenUrl } from "@replaykit/runtime";
import { createTestEnv, type TestEnv } from "@replaykit/runtime/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Inspector, startInspector } from "../../src/inspector/index.js";

const SECRETS = ["current-secret-for-token-links", "previous-secret-for-token-links"];

let env: TestEnv;
let inspector: Inspector;
let stopWorker: () => Promise<void>;
const created: string[] = [];

/** Hands out one token and returns what it was completed with. */
async function approval(ctx: RunContext): Promise<unknown> {
  const token = await ctx.createToken({ name: "approval" });
  await ctx.execActivity("announce", token.id);
  return ctx.awaitToken(token.id);
}

beforeAll(async () => {
  env = await createTestEnv();
  const worker = createWorker({
    client: env.client,
    namespace: "approvals",
    workflows: { approval },
    activities: { announce: async (_ctx, _backends, id: string) => void created.push(id) },
  });
  void worker.start();
  stopWorker = () => worker.stop();
  inspector = await startInspector({ client: env.client, port: 0, tokenSecret: SECRETS });
});
afterAll(async () => {
  await inspector.close();
  await stopWorker();
  await env.close();
});

/** Starts a run and returns the id of the token it created. */
async function tokenOfNewRun(runId: string): Promise<string> {
  await env.client.runWorkflow("approvals", "approval", runId, null);
  await env.settle();
  const id = created.at(-1);
  if (id === undefined) throw new Error("no token created");
  return id;
}

const post = (url: string, body: unknown) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("the inspector's token route (--token-secret)", () => {
  const base = () => `${inspector.url}tokens`;

  it("completes a token through a signed link, without the inspector's token", async () => {
    const id = await tokenOfNewRun("r-1");
    const answer = await post(tokenUrl(id, { baseUrl: base(), secret: SECRETS[0] ?? "" }), { approved: true });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ completed: true });
    expect(await env.client.awaitResult("approvals", "approval", "r-1", { timeout: "5s" })).toEqual({ approved: true });
  });

  it("accepts a link signed with a previous secret of the list", async () => {
    const id = await tokenOfNewRun("r-2");
    const answer = await post(tokenUrl(id, { baseUrl: base(), secret: SECRETS[1] ?? "" }), "yes");
    expect(answer.status).toBe(200);
    expect(await env.client.awaitResult("approvals", "approval", "r-2", { timeout: "5s" })).toBe("yes");
  });

  it("answers 403 to a tampered signature and completes nothing", async () => {
    const id = await tokenOfNewRun("r-3");
    const url = new URL(tokenUrl(id, { baseUrl: base(), secret: SECRETS[0] ?? "" }));
    const sig = url.searchParams.get("sig") ?? "";
    url.searchParams.set("sig", `${sig.startsWith("A") ? "B" : "A"}${sig.slice(1)}`);
    expect((await post(url.toString(), { approved: true })).status).toBe(403);
    expect((await post(tokenUrl(id, { baseUrl: base(), secret: "another-secret-altogether" }), 1)).status).toBe(403);
    expect(await env.client.getRun("approvals", "approval", "r-3")).toMatchObject({ status: "running" });
  });

  it("serves no token route without a secret", async () => {
    const plain = await startInspector({ client: env.client, port: 0 });
    try {
      const answer = await post(`${plain.url}tokens/tok_x?sig=abc`, 1);
      expect(answer.status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});
