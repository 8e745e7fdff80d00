import { createWorker, type RunContext, type Worker } from "@replaykit/runtime";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Inspector, startInspector } from "../../src/inspector/index.js";
import { type Shop, silent, startShop, until } from "../replaykit/fixture.js";
import { send } from "./send.js";

let shop: Shop;
let family: Worker;
let inspector: Inspector;

/** Three generations: root waits for mid, which starts leaf and waits for a signal. */
const familyWorkflows = {
  root: async (ctx: RunContext) => ctx.runChild("mid", `${ctx.runId}-mid`, null),
  mid: async (ctx: RunContext) => {
    await ctx.startChild("leaf", `${ctx.runId}-leaf`, null);
    return ctx.awaitSignal("go", "1h");
  },
  leaf: async () => "leaf",
};

beforeAll(async () => {
  shop = await startShop(inject("mysqlUrl"));
  family = createWorker({
    client: shop.client,
    namespace: "fam",
    workflows: familyWorkflows,
    activities: {},
    logger: silent,
    maxPollIntervalMs: 100,
  });
  await family.start();
  await shop.client.runWorkflow("fam", "root", "r1", null, { tags: { customer: "c-1", tier: 2 } });
  await shop.client.runWorkflow("fam", "root", "r2", null, { tags: { customer: "c-2" } });
  await shop.client.runWorkflow("shop", "order", "n-1", { cents: 1 });
  await until(async () => (await shop.client.getRun("fam", "leaf", "r1-mid-leaf"))?.status === "completed", "the leaf");
  inspector = await startInspector({ client: shop.client, port: 0 });
});
afterAll(async () => {
  await inspector?.close();
  await family?.stop();
  await shop?.close();
});

const text = (body: string) => body.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");

describe("navigation", () => {
  it("shows a run among its ancestors and descendants, each a link", async () => {
    const { body } = await send(inspector, "GET", "/run?ns=fam&wf=mid&id=r1-mid");
    const tree = body.slice(body.indexOf('<ul class="tree">'));
    expect(tree.indexOf('href="/run?ns=fam&amp;wf=root&amp;id=r1"')).toBeGreaterThan(0);
    expect(tree).toContain('href="/run?ns=fam&amp;wf=leaf&amp;id=r1-mid-leaf"');
    expect(text(tree)).toMatch(/root\/r1 running mid\/r1-mid running this run leaf\/r1-mid-leaf completed started/);
    const root = await send(inspector, "GET", "/run?ns=fam&wf=root&id=r1");
    expect(text(root.body)).toMatch(
      /root\/r1 running this run mid\/r1-mid running waited for leaf\/r1-mid-leaf completed started/,
    );
  });

  it("filters the runs list by tags, shows them in a column, and children inherit them", async () => {
    const { body } = await send(inspector, "GET", "/?ns=fam&tags=customer%3Dc-1");
    const rows = body
      .split('<tr data-run="')
      .slice(1)
      .map((row) => row.slice(0, row.indexOf('"')));
    expect(rows.sort()).toEqual(["r1", "r1-mid", "r1-mid-leaf"]);
    expect(body).toContain(">customer=c-1</a>");
    expect(body).toContain(">tier=2</a>");
    const typed = await send(inspector, "GET", "/?ns=fam&tags=tier%3D2");
    expect(typed.body.split('<tr data-run="').length - 1).toBe(3);
    const quoted = await send(inspector, "GET", "/?ns=fam&tags=tier%3D%222%22");
    expect(quoted.body).toContain("No runs match these filters.");
    expect((await send(inspector, "GET", "/?ns=fam&tags=nonsense")).status).toBe(400);
  });

  it("switches namespaces from every page's header", async () => {
    for (const path of ["/?ns=fam", "/schedules?ns=fam", "/queues?ns=fam"]) {
      const { body } = await send(inspector, "GET", path);
      expect(body).toMatch(
        /<select name="ns" id="ns-switch"><option value="fam" selected>fam<\/option><option value="shop">shop<\/option><\/select>/,
      );
    }
  });
});
