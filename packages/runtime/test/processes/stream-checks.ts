import type { StreamChunk } from "../../src/index.js";

/** What a reader of a stream saw, replayed as a chat UI would: resets drop the chunks of their attempt. */
export interface StreamAudit {
  /** Offsets are 0, 1, 2, ... without a gap. */
  readonly dense: boolean;
  readonly resets: number;
  /** The values left once every reset dropped its attempt's chunks, in offset order. */
  readonly surviving: readonly unknown[];
  /** Values seen again while the first was still live (no reset of its attempt between). */
  readonly duplicates: readonly string[];
}

/**
 * Replays what a reader saw. Values are distinct per writer's answer, so a value seen twice with
 * no reset between means a chunk was delivered twice to the reader of one answer.
 */
export function auditChunks(chunks: readonly StreamChunk[]): StreamAudit {
  let live: { value: unknown; text: string; attempt: number | undefined }[] = [];
  const duplicates: string[] = [];
  let resets = 0;
  for (const chunk of chunks) {
    if (chunk.reset) {
      resets++;
      live = live.filter((entry) => entry.attempt !== chunk.attempt);
      continue;
    }
    const text = JSON.stringify(chunk.value);
    if (live.some((entry) => entry.text === text)) duplicates.push(`${text} at offset ${chunk.offset}`);
    live.push({ value: chunk.value, text, attempt: chunk.attempt });
  }
  return {
    dense: chunks.every((chunk, i) => chunk.offset === i),
    resets,
    surviving: live.map((entry) => entry.value),
    duplicates,
  };
}
