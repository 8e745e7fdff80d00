import type { RunKey } from "../../history/index.js";

/**
 * `namespace = ? AND ((workflow = ? AND run_id = ?) OR ...)` over runs of one namespace, so
 * the statement reads and locks exactly those primary-key rows.
 */
export function whereRunKeys(keys: readonly RunKey[], alias = ""): { sql: string; args: unknown[] } {
  const namespace = keys[0]?.namespace ?? "";
  const a = alias === "" ? "" : `${alias}.`;
  return {
    sql: `${a}namespace = ? AND (${keys.map(() => `(${a}workflow = ? AND ${a}run_id = ?)`).join(" OR ")})`,
    args: [namespace, ...keys.flatMap((key) => [key.workflow, key.runId])],
  };
}
