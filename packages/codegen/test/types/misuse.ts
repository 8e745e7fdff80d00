// Must keep failing to compile: each directive marks a misuse the generated API has to reject.
import type { Client } from "@replaykit/runtime";
import type { OrderFlow, OrderWorkflow } from "../../fixtures/signals-outputs/replay_gen.js";
import { runOrder, signalOrderWarehouseReady, startReplayLoops } from "../../fixtures/signals-outputs/replay_gen.js";
import type { Backends } from "../../fixtures/signals-outputs/types.js";

export async function misuse(client: Client, flow: OrderFlow, backends: Backends, order: OrderWorkflow): Promise<void> {
  // @ts-expect-error a wrong signal payload
  await signalOrderWarehouseReady(client, "r1", { picker: 42 }, "ext-1");
  // @ts-expect-error a wrong activity input
  await flow.chargePayment({ orderId: "o1" });
  // @ts-expect-error a workflow missing from startReplayLoops
  startReplayLoops({ client, backends, workflows: {} });
  // @ts-expect-error a wrong run input
  await runOrder(client, "r1", { orderId: "o1", cents: "12", address: "here" });
  // @ts-expect-error a compound duration whose units are not largest first
  await flow.sleep("30m2h");
  await flow.sleep("2h30m");
  await flow.awaitWarehouseReady("1d12h");
  startReplayLoops({ client, backends, workflows: { order } });
}
