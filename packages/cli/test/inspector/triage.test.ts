import { createWorker, type RunContext, type Worker } from "@replaykit/runtime";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Inspector, startInspector } from "../../src/inspector/index.js";
import { type Shop, shopActivities, shopWorkflows, silent, startShop, until } from "../replaykit/fixture.js";
import { send } from "./send.js";

let shop: Shop;
let worker: Worker;
let inspector: Inspector;

const workflows = {
  broken: shopWorkflows.broken,
  boom: async (_ctx: RunContext, input: { n: number }) => {
    throw new Error(`order ${input.n} was refused`);
  },
  odd: async () => {
    throw new TypeError("cannot read the card");
  },
};

beforeAll(async () => {
  shop = await startShop(inject("mysqlUrl"));
  worker = createWorker({
    client: shop.client,
    namespace: "tri",
    workflows,
    activities: shopActivities,
    logger: silent,
    maxPollIntervalMs: 100,
    cacheSize: 0,
  });
  await worker.start();
  for (const n of [1, 2, 3]) await shop.client.runWorkflow("tri", "boom", `boom-${n}`, { n: n * 11 });
  await shop.client.runWorkflow("tri", "odd", "odd-1", null);
  for (const n of [1, 2]) await shop.client.runWorkflow("tri", "broken", `broken-${n}`, null);
  await until(async () => {
    const counts = await shop.client.countRuns({ namespace: "tri" });
    return counts.statuses.failed === 4 && counts.statuses.stuck === 2;
  }, "four failed and two stuck runs");
  inspector = await startInspector({ client: shop.client, port: 0 });
});
afterAll(async () => {
  await inspector?.close();
  await worker?.stop();
  await shop?.close();
});

describe("the triage view", () => {
  it("groups stuck and failed runs by error, the largest group first, with counts and links", async () => {
    const { status, body } = await send(inspector, "GET", "/triage?ns=tri");
    expect(status).toBe(200);
    const groups = body
      .split('<tr class="error-group">')
      .slice(1)
      .map((row) =>
        row
          .replace(/<[^>]+>/g, " ")
          .replace(/\s+/g, " ")
          .trim(),
      );
    expect(groups).toEqual([
      expect.stringMatching(
        /^3 failed boom Error: order N was refused boom-\d boom-\d boom-\d all failed boom runs →$/,
      ),
      expect.stringMatching(/^2 stuck broken NonDeterminismError: run &lt;run&gt;: command charge#N disagrees/),
      expect.stringMatching(/^1 failed odd TypeError: cannot read the card odd-1 all failed odd runs →$/),
    ]);
    expect(body.replace(/<[^>]+>/g, "")).toContain("6 stuck or failed runs in 3 groups.");
    expect(body).toContain('href="/?ns=tri&amp;status=failed&amp;workflow=boom"');
    expect(body).toContain('href="/run?ns=tri&amp;wf=broken&amp;id=broken-1"');
  });

  it("says so when nothing is stuck or failed", async () => {
    await shop.client.runWorkflow("calm", "order", "c-1", { cents: 1 });
    expect((await send(inspector, "GET", "/triage?ns=calm")).body).toContain(
      "No stuck or failed runs in namespace calm.",
    );
  });
});
