import type { Client } from "@replaykit/runtime";
import { UpdateRejectedError } from "@replaykit/runtime";
import {
  awaitOrderResult,
  queryOrderStatus,
  runOrder,
  signalOrderWarehouseReady,
  updateOrderChangeAddress,
} from "../replay_gen.js";
import type { OrderInput } from "../types.js";

/**
 * One more order, talked to while it waits for the warehouse: the `status` query, a
 * `changeAddress` update its validator refuses (an empty address), one it takes, then shipping.
 */
export async function changeAddressScene(client: Client, say: (message: string) => void): Promise<void> {
  const orderId = "demo-change-address";
  const input: OrderInput = {
    orderId,
    cardNumber: "4242424242424242",
    cents: 4200,
    address: "1 Old Rd",
    warehouseTimeout: "1m",
  };
  await runOrder(client, orderId, input);
  let status = await queryOrderStatus(client, orderId);
  while (status.stage === "charging") {
    await new Promise((resolve) => setTimeout(resolve, 20));
    status = await queryOrderStatus(client, orderId);
  }
  say(`${orderId}: status query answers ${JSON.stringify(status)}`);
  try {
    await updateOrderChangeAddress(client, orderId, { address: " " });
  } catch (error) {
    if (!(error instanceof UpdateRejectedError)) throw error;
    say(`${orderId}: changeAddress to " " refused by its validator: ${error.reason.message}`);
  }
  const changed = await updateOrderChangeAddress(client, orderId, { address: "9 Harbour Rd" });
  say(`${orderId}: changeAddress answered ${JSON.stringify(changed)}`);
  await signalOrderWarehouseReady(client, orderId, { picker: "demo-warehouse" }, `ready-${orderId}`);
  const result = await awaitOrderResult(client, orderId, { timeout: "30s" });
  say(`${orderId}: ${result.status} to ${changed.address}`);
}
