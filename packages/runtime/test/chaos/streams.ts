import type { Client, StreamChunk } from "../../src/index.js";
import { auditChunks } from "../processes/stream-checks.js";

const WORKFLOW = "chaosUpdate";

/** What the streams of the chaos runs must show once every run completed (see workflows.ts chaosUpdate). */
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
  for await (const chunk of client.readStream(namespace, WORKFLOW, runId, key)) chunks.push(chunk);
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
    // The three parts of the attempt that succeeded, all with the one input c got.
    const surviving = progress.surviving as { input: number; part: number }[];
    const parts = [0, 1, 2].map((part) => ({ input: surviving[0]?.input, part }));
    const ok = progress.dense && progress.duplicates.length === 0;
    if (!ok || JSON.stringify(surviving) !== JSON.stringify(parts)) {
      badProgress.push(`${runId}: ${JSON.stringify(progress)}`);
    }
  }
  return { badLogs, badProgress, resets };
}
