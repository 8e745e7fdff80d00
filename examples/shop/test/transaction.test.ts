import type { RowDataPacket } from "mysql2/promise";
import { describe, expect, it } from "vitest";
import { ORDER_WORKFLOW, runOrder, SHOP_NAMESPACE } from "../src/replay_gen.js";
import type { OrderInput } from "../src/types.js";
import { useShop } from "./helpers.js";

const shop = useShop();

const orderOf = (orderId: string): OrderInput => ({
  orderId,
  cardNumber: "4242424242424242",
  cents: 100,
  address: "2 Quay St",
  warehouseTimeout: "1m",
});

async function orderRows(id: string): Promise<number> {
  const [rows] = await shop.pool.query<RowDataPacket[]>("SELECT id FROM orders WHERE id = ?", [id]);
  return rows.length;
}

/** Inserts the order and starts its run on one connection, then commits or rolls back. */
async function placeThen(ending: "commit" | "rollback", input: OrderInput): Promise<void> {
  const conn = await shop.pool.getConnection();
  try {
    await conn.beginTransaction();
    await conn.query("INSERT INTO orders (id, card_last4, cents, address) VALUES (?, ?, ?, ?)", [
      input.orderId,
      input.cardNumber.slice(-4),
      input.cents,
      input.address,
    ]);
    await runOrder(shop.client, input.orderId, input, { tx: conn });
    await (ending === "commit" ? conn.commit() : conn.rollback());
  } finally {
    conn.release();
  }
}

describe("starting an order in the app's transaction", () => {
  it("creates neither the order row nor the run when the transaction rolls back", async () => {
    await placeThen("rollback", orderOf("tx-rolled-back"));

    expect(await orderRows("tx-rolled-back")).toBe(0);
    expect(await shop.client.getRun(SHOP_NAMESPACE, ORDER_WORKFLOW, "tx-rolled-back")).toBeUndefined();
  });

  it("creates both when it commits", async () => {
    await placeThen("commit", orderOf("tx-committed"));

    expect(await orderRows("tx-committed")).toBe(1);
    const run = await shop.client.getRun(SHOP_NAMESPACE, ORDER_WORKFLOW, "tx-committed");
    expect(run?.status).toBe("running");
  });
});
