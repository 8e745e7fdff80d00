// Must keep failing to compile: each directive marks a misuse of updates and queries the generated API has to reject.
import type { Client } from "@replaykit/runtime";
import type { CartFlow } from "../../fixtures/updates-queries/replay_gen.js";
import {
  queryCartTotals,
  updateCartAddItem,
  updateCartApplyDiscount,
} from "../../fixtures/updates-queries/replay_gen.js";

export async function misuseRequests(client: Client, flow: CartFlow): Promise<void> {
  // @ts-expect-error a wrong update input
  await updateCartAddItem(client, "c1", { sku: "tea", quantity: "2" });
  // @ts-expect-error an update the manifest does not declare
  flow.onRemoveItem(() => 0);
  // @ts-expect-error a query result used as the wrong type
  const cents: string = (await queryCartTotals(client, "c1")).cents;
  // @ts-expect-error an update handler answering the wrong type
  flow.onAddItem(() => "three");
  // @ts-expect-error a validator of the wrong input
  flow.onAddItem(() => 1, { validator: (input: string) => void input });
  // @ts-expect-error an update input the schema does not take
  await updateCartApplyDiscount(client, "c1", { code: 3 });
  // @ts-expect-error a condition's predicate must answer a boolean
  await flow.condition(() => "yes", "1h");
  void cents;
}
