import { startMariaDb } from "@replaykit/runtime/testing";
import type { RowDataPacket } from "mysql2/promise";
import { delta, mariaDbCounters } from "../counters.js";
import { withReplaykit } from "../systems/replaykit.js";
import { STEPS_SETUP } from "../systems/steps.js";

const db = await startMariaDb({ forceLocal: true });
try {
  await withReplaykit(db.url, "trace", { ...STEPS_SETUP, concurrency: 64 }, async (env) => {
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => env.client.runWorkflow(env.namespace, "steps", `w-${i}`, { n: 3 })),
    );
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        env.client.awaitResult(env.namespace, "steps", `w-${i}`, { timeout: 60000 }),
      ),
    );
    await env.pool.query("TRUNCATE mysql.general_log");
    await env.pool.query("SET GLOBAL log_output = 'TABLE', general_log = 1");
    const before = await mariaDbCounters(env.pool);
    const ids = Array.from({ length: 300 }, (_, i) => `r-${i}`);
    for (let i = 0; i < ids.length; i += 8)
      await Promise.all(ids.slice(i, i + 8).map((id) => env.client.runWorkflow(env.namespace, "steps", id, { n: 3 })));
    await Promise.all(ids.map((id) => env.client.awaitResult(env.namespace, "steps", id, { timeout: 60000 })));
    const after = await mariaDbCounters(env.pool);
    await env.pool.query("SET GLOBAL general_log = 0");
    const [rows] = await env.pool.query<RowDataPacket[]>(
      "SELECT argument FROM mysql.general_log WHERE command_type IN ('Query','Execute')",
    );
    const kinds = new Map<string, number>();
    for (const row of rows)
      for (const stmt of String(row["argument"]).split(/;\s*\n/)) {
        const k = stmt.replace(/\s+/g, " ").trim().slice(0, 70);
        if (k.includes("general_log") || k.startsWith("SHOW GLOBAL")) continue;
        kinds.set(k, (kinds.get(k) ?? 0) + 1);
      }
    for (const [k, n] of [...kinds].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(String(n).padStart(6), k);
    const d = delta(before, after) as Record<string, number>;
    const steps = 300 * 4;
    console.log("per step:", Object.fromEntries(Object.entries(d).map(([k, v]) => [k, (v / steps).toFixed(2)])));
  });
} finally {
  await db.stop();
}
process.exit();
