import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { RowDataPacket } from "mysql2/promise";
import { describe, expect, it } from "vitest";
import { useProcessDatabase } from "./setup.js";

const env = useProcessDatabase();
const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, "..", "..", "..", "..");

/** Runs bulk-main.ts and SIGKILLs it once it reported `done` runs or more; resolves with what it reported. */
function bulkKilledAt(namespace: string, batchId: string, done: number): Promise<number> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(HERE, "bulk-main.ts"), env.db.url, namespace, batchId],
    {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  child.stdout.setEncoding("utf8");
  let reported = 0;
  let partial = "";
  return new Promise((resolve, reject) => {
    child.stdout.on("data", (chunk: string) => {
      const lines = (partial + chunk).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        if (!line.startsWith("{")) continue;
        reported = (JSON.parse(line) as { done: number }).done;
        if (reported >= done) child.kill("SIGKILL");
      }
    });
    child.once("exit", (code, signal) => {
      if (signal === "SIGKILL") resolve(reported);
      else reject(new Error(`bulk-main.ts exited with ${code} before it was killed`));
    });
  });
}

describe("a bulk action whose caller is killed", { timeout: 180_000 }, () => {
  it("goes on from where it stopped when called again with its batchId, doing nothing twice", async () => {
    const ns = "bulk-kill";
    for (let i = 0; i < 2000; i += 100) {
      await Promise.all(
        Array.from({ length: 100 }, (_, j) =>
          env.client.runWorkflow(ns, "waiter", `w-${String(i + j).padStart(4, "0")}`, null),
        ),
      );
    }
    const reported = await bulkKilledAt(ns, "pause-all", 500);
    expect(reported).toBeGreaterThanOrEqual(500);
    const cut = await env.client.bulk(ns, { batchId: "pause-all", filter: { status: "running" }, action: "pause" });
    expect(cut).toMatchObject({ batchId: "pause-all", matched: 2000, done: 2000, skipped: 0, failed: 0 });
    const [marks] = await env.db.pool.query<RowDataPacket[]>(
      `SELECT run_id, COUNT(*) AS n FROM replay_events WHERE namespace = ? AND type = 'paused' GROUP BY run_id HAVING n <> 1`,
      [ns],
    );
    expect(marks).toEqual([]);
    expect((await env.client.countRuns({ namespace: ns })).paused).toBe(2000);
  });
});
