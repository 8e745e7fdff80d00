/** Number of shards a run id hashes into; fixed, because shards are stored in `runs.shard`. */
export const SHARD_COUNT = 16384;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * The shard of a run: FNV-1a 32-bit over the UTF-8 bytes of `runId`, modulo 16384.
 * Workers claim runs by shard (`shard % count = index`), so this must never change.
 */
export function shardOf(runId: string): number {
  let hash = FNV_OFFSET;
  for (const byte of Buffer.from(runId, "utf8")) {
    hash ^= byte;
    hash = Math.imul(hash, FNV_PRIME) >>> 0;
  }
  return hash % SHARD_COUNT;
}
