// Must keep failing to compile: each directive marks a misuse the generated API has to reject.
import type { Client } from "@replaykit/runtime";
import type { OrderFlow } from "../../fixtures/composition/replay_gen.js";
import { runDigest, runRefund, scheduleDigest } from "../../fixtures/composition/replay_gen.js";

export async function misuse(client: Client, flow: OrderFlow): Promise<void> {
  // @ts-expect-error a wrong child input: cents is a number
  await flow.runRefund("r1", { orderId: "o1", cents: "5" });
  // @ts-expect-error a child the workflow does not declare
  await flow.runShipping("s1", { orderId: "o1" });
  // @ts-expect-error a queue the manifest does not declare
  await runRefund(client, "r1", { orderId: "o1", cents: 5 }, { queue: "emails" });
  // @ts-expect-error a child started on a queue the manifest does not declare
  await flow.startDigest("d1", { to: "a", tags: [], hour: 1, note: null }, { queue: "emails" });
  // @ts-expect-error a schedule input of the wrong type: hour is a number
  await scheduleDigest(client, "s", { cron: "0 3 * * *", input: { to: "a", tags: [], hour: "3", note: null } });
  const input = { to: "a", tags: [], hour: 3, note: null };
  // @ts-expect-error a schedule policy the runtime does not know
  await scheduleDigest(client, "s", { cron: "0 3 * * *", input, overlap: "queue" });
  // @ts-expect-error a signal the child does not declare
  await flow.signalRefundRejected("r1", { by: "ana" }, "e1");
  await runDigest(client, "d1", { to: "a", tags: [], hour: 1, note: null }, { queue: "payouts", priority: 2 });
}
