import type { Client, StreamChunk, StreamInfo } from "@replaykit/runtime";

/** The most chunks of one stream a run page shows: the newest ones. */
export const CHUNKS_SHOWN = 100;
/** The most streams of one run a page shows. */
export const STREAMS_SHOWN = 20;

/** One stream of a run as its page shows it: the newest chunks, or why they could not be read. */
export interface StreamView {
  readonly info: StreamInfo;
  readonly chunks: readonly StreamChunk[];
  /** Set when the chunks could not be read (e.g. they are encrypted and this client has no codec). */
  readonly unreadable?: string;
}

/** The run's streams with their newest chunks; a stream whose chunks cannot be read says why instead. */
export async function loadStreams(
  client: Client,
  namespace: string,
  workflow: string,
  runId: string,
): Promise<StreamView[]> {
  const streams = (await client.listStreams(namespace, workflow, runId)).slice(0, STREAMS_SHOWN);
  return Promise.all(
    streams.map(async (info) => {
      const after = Math.max(-1, info.chunks - CHUNKS_SHOWN - 1);
      try {
        const chunks: StreamChunk[] = [];
        for await (const chunk of client.readStream(namespace, workflow, runId, info.key, { after }))
          chunks.push(chunk);
        return { info, chunks };
      } catch (error) {
        return { info, chunks: [], unreadable: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
}
