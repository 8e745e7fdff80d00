import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { DBOS } from "@dbos-inc/dbos-sdk";
import type { RunContext } from "@replaykit/runtime";
import type { TalkMessage, TalkReply } from "../children/talk-client.js";
import type { BenchContext } from "../context.js";
import { RESULT_TIMEOUT_MS, withTimeout } from "../deadline.js";
import { log } from "../log.js";
import { percentile } from "../stats.js";
import { type Live, withSystems } from "../systems/both.js";
import { noopActivity } from "../systems/steps.js";
import { type Latencies, type TalkSide, talkSeries } from "./w9-series.js";

const RUN_ID = "w9";
const CLIENT = fileURLToPath(new URL("../children/talk-client.ts", import.meta.url));
/** How long the caller in another process may take for its whole series. */
const OTHER_PROCESS_TIMEOUT_MS = 600_000;

/** The replaykit run W9 talks to: `bump` counts and answers the count at once, `count` reads it. */
async function talk(ctx: RunContext): Promise<number> {
  let count = 0;
  let done = false;
  ctx.onUpdate("bump", () => ++count);
  ctx.onUpdate("done", () => {
    done = true;
  });
  ctx.onQuery("count", () => count);
  await ctx.condition(() => done);
  return count;
}

/**
 * DBOS's nearest equivalent: the workflow receives a message (DBOS.recv), counts, and publishes
 * the count for that message and as the current one (DBOS.setEvent); a caller sends (DBOS.send)
 * and reads the answer (DBOS.getEvent). A query is a DBOS.getEvent of the current count.
 */
function registerTalk(): (total: number) => Promise<number> {
  return DBOS.registerWorkflow(
    async (total: number) => {
      let count = 0;
      await DBOS.setEvent("count", count);
      while (count < total) {
        const message = await DBOS.recv<{ i: number }>("bump", 600);
        if (message === null) break;
        count++;
        await DBOS.setEvent(`bump-${message.i}`, count);
        await DBOS.setEvent("count", count);
      }
      return count;
    },
    { name: "talk" },
  );
}

function sidesOf(live: Live<(total: number) => Promise<number>>): TalkSide[] {
  const sides: TalkSide[] = [];
  if (live.replaykit) {
    const { client, namespace } = live.replaykit;
    sides.push({
      system: "replaykit",
      update: (i) => client.executeUpdate(namespace, "talk", RUN_ID, "bump", i, { timeout: "60s" }),
      query: () => client.queryRun(namespace, "talk", RUN_ID, "count"),
    });
  }
  if (live.dbos) {
    sides.push({
      system: "dbos",
      update: async (i) => {
        await DBOS.send(RUN_ID, { i }, "bump");
        return DBOS.getEvent(RUN_ID, `bump-${i}`, 60);
      },
      query: () => DBOS.getEvent(RUN_ID, "count", 60),
    });
  }
  return sides;
}

/** The same series from a forked process that runs clients only (children/talk-client.ts). */
async function fromOtherProcess(message: TalkMessage): Promise<Latencies> {
  const child = fork(CLIENT, [], { execArgv: process.execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  try {
    const reply = new Promise<TalkReply>((resolve, reject) => {
      child.once("message", (answer: TalkReply) => resolve(answer));
      child.once("exit", (code) => reject(new Error(`W9's caller process exited (${code}) before it answered`)));
    });
    child.send(message);
    const answer = await withTimeout(reply, OTHER_PROCESS_TIMEOUT_MS, "W9's caller in another process");
    if (answer.type === "failed") throw new Error(`W9's caller in another process failed: ${answer.message}`);
    return answer.latencies;
  } finally {
    child.kill();
  }
}

function record(ctx: BenchContext, latencies: Latencies, where: string): void {
  for (const [system, series] of Object.entries(latencies)) {
    if (series === undefined) continue;
    const set = (metric: string, value: number) =>
      ctx.results.set(system as "replaykit" | "dbos", { workload: "W9", metric, unit: "ms", better: "lower" }, value);
    set(`update round trip p50, ${where}`, percentile(series.updates, 0.5));
    set(`update round trip p99, ${where}`, percentile(series.updates, 0.99));
    set(`query p50, ${where}`, percentile(series.queries, 0.5));
  }
}

export async function runW9(ctx: BenchContext): Promise<void> {
  const { warmup } = ctx.sizes;
  const { updates, queries } = ctx.sizes.w9;
  log(
    `W9: ${updates} updates and ${queries} queries to one run per system, from the worker's process and from another`,
  );
  const setup = { workflows: { talk }, activities: { noop: noopActivity } };
  await withSystems(ctx, "w9", { replaykit: setup, dbos: registerTalk }, async (live) => {
    const total = 2 * (warmup + updates);
    if (live.replaykit) await live.replaykit.client.runWorkflow(live.replaykit.namespace, "talk", RUN_ID, null);
    const dbosRun = live.dbos ? await DBOS.startWorkflow(live.dbos.fns, { workflowID: RUN_ID })(total) : undefined;
    const counts = { warmup, updates, queries, firstUpdate: 0 };
    record(ctx, await talkSeries(sidesOf(live), counts), "in the worker's process");
    log("W9: the same from another process");
    const message: TalkMessage = {
      type: "talk",
      ...(live.replaykit
        ? { replaykit: { url: live.replaykit.url, namespace: live.replaykit.namespace, runId: RUN_ID } }
        : {}),
      ...(live.dbos ? { dbos: { systemDatabaseUrl: live.dbos.url, workflowId: RUN_ID } } : {}),
      counts: { ...counts, firstUpdate: warmup + updates },
    };
    record(ctx, await fromOtherProcess(message), "from another process");
    if (live.replaykit) {
      const { client, namespace } = live.replaykit;
      await client.executeUpdate(namespace, "talk", RUN_ID, "done", null);
      await client.awaitResult(namespace, "talk", RUN_ID, { timeout: RESULT_TIMEOUT_MS });
    }
    if (dbosRun) await withTimeout(dbosRun.getResult(), RESULT_TIMEOUT_MS, `DBOS workflow ${RUN_ID}`);
  });
}
