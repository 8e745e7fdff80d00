import { readdirSync, readFileSync } from "node:fs";
import { NonDeterminismError } from "@replaykit/runtime";
import { type RunHistory, replayHistory } from "@replaykit/runtime/testing";
import { describe, expect, it } from "vitest";
import { type OrderWorkflow, shopWorkflows } from "./replay_gen.js";
import { followUp, order, salesReport } from "./workflow.js";

// Histories recorded from real runs (npm run record-histories) replayed against today's code:
// a change that would park runs in flight fails here, before it is deployed.
const dir = new URL("../histories/", import.meta.url);
const histories = readdirSync(dir)
  .filter((name) => name.endsWith(".json"))
  .map((name) => JSON.parse(readFileSync(new URL(name, dir), "utf8")) as RunHistory);

describe("recorded histories", () => {
  it.each(histories.map((history) => [history.runId, history] as const))(
    "%s replays with today's code",
    async (_, history) => {
      await replayHistory({ workflows: shopWorkflows({ order, followUp, salesReport }) }, history);
    },
  );

  it("are refused by code that changed the commands they recorded", async () => {
    // A "simplification" that ships before charging: every recorded order disagrees with it.
    const shipFirst: OrderWorkflow = async (flow, input) => {
      const { trackingId } = await flow.shipOrder({ orderId: input.orderId, address: input.address });
      const { orderId, cardNumber, cents } = input;
      const charge = await flow.chargePayment({ orderId, cardNumber, cents });
      if (!charge.ok) return { status: "declined", reason: charge.reason };
      return { status: "shipped", chargeId: charge.chargeId, trackingId };
    };
    const shipped = histories.find((history) => history.runId === "order-shipped");
    expect(shipped).toBeDefined();
    const replay = replayHistory(
      { workflows: shopWorkflows({ order: shipFirst, followUp, salesReport }) },
      shipped as RunHistory,
    );
    await expect(replay).rejects.toBeInstanceOf(NonDeterminismError);
    await expect(replay).rejects.toThrow(/activity_request chargePayment#0/);
  });
});
