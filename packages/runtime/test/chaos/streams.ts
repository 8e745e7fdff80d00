import type { Client, StreamChunk } from "../../src/index.js";
import { auditChunks } from "../processes/stream-checks.js";

/** What the streams of the chaos runs must show once every run completed (see workflows.ts chaos). */
export interface StreamsAudit {
  /** Runs whose "log" (written by the workflow) is not a, b, c, d, e at offsets 0-4, once each. */
  readonly badLogs: readonly string[];
  /**
   * Runs whose "progress" (written by activity c, maybe over several attempts) has a gap, a chunk
   * delivered twice without a reset between, or does not end with the three parts of one attempt.
   */
  readonly badProgress: readonly string[];
  /** Reset markers seen: attempts of c that failed or died mid-stream. */
  readonly resets: number;
}

async function chunksOf(client: Client, namespace: string, runId: string, key: string): Promise<StreamChunk[]> {
  const chunks: StreamChunk[] = [];
  for await (const chunk of client.readStream(namespace, "chaos", runId, key)) chunks.push(chunk);
  return chunks;
}

export async function auditStreams(
  client: Client,
  namespace: string,
  runIds: readonly string[],
): Promise<StreamsAudit> {
  const badLogs: string[] = [];
  const badProgress: string[] = [];
  let resets = 0;
  for (const runId of runIds) {
    const log = await chunksOf(client, namespace, runId, "log");
    const expected = ["a", "b", "c", "d", "e"].map((value, offset) => ({ offset, value }));
    if (JSON.stringify(log) !== JSON.stringify(expected)) badLogs.push(`${runId}: ${JSON.stringify(log)}`);
    const progress = auditChunks(await chunksOf(client, namespace, runId, "progress"));
    resets += progress.resets;
    // Activity c gets the run's input + 2 (a and b each add one).
    const input = ((await client.getRun(namespace, "chaos", runId))?.input as number) + 2;
    const parts = [0, 1, 2].map((part) => ({ input, part }));
    const ok = progress.dense && progress.duplicates.length === 0;
    if (!ok || JSON.stringify(progress.surviving) !== JSON.stringify(parts)) {
      badProgress.push(`${runId}: ${JSON.stringify(progress)}`);
    }
  }
  return { badLogs, badProgress, resets };
}
