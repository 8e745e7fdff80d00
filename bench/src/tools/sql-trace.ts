/**
 * Prints every SQL statement one replaykit run of N no-op steps sends to MariaDB, with the
 * status counters it moved: the round trips and commits behind the W1/W2 figures.
 *
 *   npm run trace -w @replaykit/bench -- 3     # one run of 3 steps
 */
import { startMariaDb } from "@replaykit/runtime/testing";
import type { RowDataPacket } from "mysql2/promise";
import { delta, mariaDbCounters } from "../counters.js";
import { runReplaykit, withReplaykit } from "../systems/replaykit.js";
import { STEPS_SETUP } from "../systems/steps.js";

const steps = Number(process.argv[2] ?? "1");
if (!Number.isInteger(steps) || steps < 0) {
  process.stderr.write("usage: npm run trace -w @replaykit/bench -- <steps, a whole number >= 0>\n");
  process.exit(2);
}

const db = await startMariaDb({ forceLocal: true });
try {
  await withReplaykit(db.url, "trace", STEPS_SETUP, async (env) => {
    await runReplaykit(env, "steps", "warm", { n: steps });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await env.pool.query("TRUNCATE mysql.general_log");
    await env.pool.query("SET GLOBAL log_output = 'TABLE', general_log = 1");
    const before = await mariaDbCounters(env.pool);
    await runReplaykit(env, "steps", "traced", { n: steps });
    const after = await mariaDbCounters(env.pool);
    await env.pool.query("SET GLOBAL general_log = 0");
    const [rows] = await env.pool.query<RowDataPacket[]>(
      "SELECT event_time, thread_id, command_type, argument FROM mysql.general_log ORDER BY event_time",
    );
    let queries = 0;
    for (const row of rows) {
      const sql = String(row["argument"])
        .replace(/\s+/g, " ")
        .slice(0, Number(process.env.TRACE_WIDTH ?? 160));
      if (sql.includes("general_log") || sql.startsWith("SHOW GLOBAL STATUS")) continue;
      if (row["command_type"] === "Query" || row["command_type"] === "Execute") queries++;
      process.stdout.write(`${String(row["thread_id"]).padStart(4)} ${String(row["command_type"]).padEnd(8)} ${sql}\n`);
    }
    process.stdout.write(`\n${queries} statements for one run of ${steps} steps\n`);
    process.stdout.write(`counter deltas: ${JSON.stringify(delta(before, after))}\n`);
  });
} finally {
  await db.stop();
}
process.exit();
