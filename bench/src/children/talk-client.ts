/**
 * W9's caller in another process: no worker, just clients of both systems, forked by the bench.
 *
 *   parent -> child: { type: "talk", replaykit?, dbos?, counts }   the run of each system to talk to
 *   child -> parent: { type: "done", latencies } or { type: "failed", message }
 */
import { DBOSClient } from "@dbos-inc/dbos-sdk";
import { createClient } from "@replaykit/runtime";
import { replaykitPool } from "../systems/pool-size.js";
import { type Latencies, type TalkSide, talkSeries } from "../workloads/w9-series.js";

export interface TalkMessage {
  readonly type: "talk";
  readonly replaykit?: { readonly url: string; readonly namespace: string; readonly runId: string };
  readonly dbos?: { readonly systemDatabaseUrl: string; readonly workflowId: string };
  readonly counts: {
    readonly warmup: number;
    readonly updates: number;
    readonly queries: number;
    readonly firstUpdate: number;
  };
}

export type TalkReply =
  | { readonly type: "done"; readonly latencies: Latencies }
  | { readonly type: "failed"; readonly message: string };

const TIMEOUT = "60s";
/**
 * DBOSClient listens for no notifications, so getEvent polls; its default interval (10 s) would
 * measure the interval alone: it polls every 5 ms here, as often as replaykit's caller does first.
 */
const DBOS_READ = { timeoutSeconds: 60, pollingIntervalMs: 5 };

async function talk(message: TalkMessage): Promise<Latencies> {
  const sides: TalkSide[] = [];
  const closers: (() => Promise<void>)[] = [];
  if (message.replaykit) {
    const { url, namespace, runId } = message.replaykit;
    const pool = replaykitPool(url);
    const client = createClient({ pool });
    sides.push({
      system: "replaykit",
      update: (i) => client.executeUpdate(namespace, "talk", runId, "bump", i, { timeout: TIMEOUT }),
      query: () => client.queryRun(namespace, "talk", runId, "count", null, { timeout: TIMEOUT }),
    });
    closers.push(async () => {
      await client.close();
      await pool.end();
    });
  }
  if (message.dbos) {
    const { systemDatabaseUrl, workflowId } = message.dbos;
    const client = await DBOSClient.create({ systemDatabaseUrl });
    sides.push({
      system: "dbos",
      update: async (i) => {
        await client.send(workflowId, { i }, "bump");
        return client.getEvent(workflowId, `bump-${i}`, DBOS_READ);
      },
      query: () => client.getEvent(workflowId, "count", DBOS_READ),
    });
    closers.push(() => client.destroy());
  }
  try {
    return await talkSeries(sides, message.counts);
  } finally {
    for (const close of closers) await close();
  }
}

process.on("message", (message: TalkMessage) => {
  if (message.type !== "talk") return;
  void talk(message).then(
    (latencies) => process.send?.({ type: "done", latencies } satisfies TalkReply),
    (error: unknown) =>
      process.send?.({
        type: "failed",
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      } satisfies TalkReply),
  );
});
