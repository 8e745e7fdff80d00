/** Identifies one run: runs are unique per (namespace, workflow, runId). */
export interface RunKey {
  readonly namespace: string;
  readonly workflow: string;
  readonly runId: string;
}

/**
 * The one string form of a run within a namespace, for maps. Names never contain "/"
 * (validateName refuses it), so the join is unambiguous.
 */
export function runKeyId(key: { readonly workflow: string; readonly runId: string }): string {
  return `${key.workflow}/${key.runId}`;
}
