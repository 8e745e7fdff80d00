/*
 * The SQL twin of wakeUnlessPaused (rules/pause.ts): a paused run's wake_at stays NULL, whatever
 * a writer would set it to. Change them together; the conformance cases of pausing (test/store/
 * pause.test.ts) fail when they differ.
 */

/** `expression` as the run's new wake time, or NULL while the run is paused. */
export function unlessPausedSql(expression: string): string {
  return `IF(paused = 1, NULL, ${expression})`;
}
