import type { Client } from "@replaykit/runtime";
import type { Pool } from "mysql2/promise";
import { runOrder } from "./replay_gen.js";
import type { OrderInput } from "./types.js";

/** The app's own table; replaykit's tables live beside it in the same database. */
export async function migrateOrders(pool: Pool): Promise<void> {
  await pool.query(`CREATE TABLE IF NOT EXISTS orders (
    id VARCHAR(64) NOT NULL PRIMARY KEY,
    card_last4 CHAR(4) NOT NULL,
    cents INT NOT NULL,
    address VARCHAR(255) NOT NULL,
    created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
  ) ENGINE=InnoDB`);
}

/**
 * Inserts the order and starts its workflow in one transaction: either both exist
 * afterwards or neither does.
 */
export async function placeOrder(pool: Pool, client: Client, input: OrderInput): Promise<void> {
  const conn = await pool.getConnection();
  try {
    await conn.beginTransaction();
    await conn.query("INSERT INTO orders (id, card_last4, cents, address) VALUES (?, ?, ?, ?)", [
      input.orderId,
      input.cardNumber.slice(-4),
      input.cents,
      input.address,
    ]);
    const tags = input.email === undefined ? {} : { tags: { customer: input.email } };
    await runOrder(client, input.orderId, input, { tx: conn, ...tags });
    await conn.commit();
  } catch (error) {
    await conn.rollback();
    throw error;
  } finally {
    conn.release();
  }
}
