import { type Client, type RunInfo, RunStatus } from "@replaykit/runtime";
import type { SealedOf } from "../shared/sealed.js";

/** The most runs of each status the triage view reads (the newest). */
export const TRIAGED_PER_STATUS = 1000;
/** Runs linked per group. */
export const SAMPLES = 5;

/** Runs of one status and workflow that ended with the same error, once run ids and numbers are set aside. */
export interface ErrorGroup {
  readonly status: RunStatus;
  readonly workflow: string;
  /** The error with the run's id and numbers replaced, e.g. `NonDeterminismError: run <run>: command charge#N disagrees...`. */
  readonly signature: string;
  readonly count: number;
  /** The newest runs of the group. */
  readonly samples: readonly RunInfo[];
}

export interface TriageData {
  readonly namespace: string;
  readonly namespaces: readonly string[];
  readonly groups: readonly ErrorGroup[];
  /** Stuck and failed runs of the namespace in all, and how many of them the groups cover. */
  readonly total: number;
  readonly read: number;
}

/** The namespace's stuck and failed runs grouped by error. */
export async function loadTriage(client: Client, sealedOf: SealedOf, namespace: string, namespaces: readonly string[]) {
  const statuses = [RunStatus.Stuck, RunStatus.Failed];
  const [counts, ...pages] = await Promise.all([
    client.countRuns({ namespace }),
    ...statuses.map((status) => client.listRuns({ namespace, status, order: "desc", limit: TRIAGED_PER_STATUS })),
  ]);
  const runs = pages.flatMap((page) => page.runs);
  const total = statuses.reduce((sum, status) => sum + (counts.statuses[status] ?? 0), 0);
  return { namespace, namespaces, groups: groupByError(runs, sealedOf), total, read: runs.length } satisfies TriageData;
}

/** Groups runs by status, workflow and error signature; the largest groups first. */
export function groupByError(runs: readonly RunInfo[], sealedOf: SealedOf): ErrorGroup[] {
  const groups = new Map<string, { status: RunStatus; workflow: string; signature: string; runs: RunInfo[] }>();
  for (const run of runs) {
    const signature = signatureOf(run, sealedOf);
    const id = JSON.stringify([run.status, run.workflow, signature]);
    const group = groups.get(id) ?? { status: run.status, workflow: run.workflow, signature, runs: [] };
    group.runs.push(run);
    groups.set(id, group);
  }
  return [...groups.values()]
    .map(({ runs: members, ...group }) => ({ ...group, count: members.length, samples: members.slice(0, SAMPLES) }))
    .sort((a, b) => b.count - a.count || a.signature.localeCompare(b.signature));
}

function signatureOf(run: RunInfo, sealedOf: SealedOf): string {
  const error = run.error;
  if (error === undefined) return "(no error recorded)";
  if (sealedOf(error) !== undefined) return "(an encrypted error: open the inspector with the token to group by it)";
  const message = (error.message ?? "").split("\n")[0] ?? "";
  const general = message.split(run.runId).join("<run>").replace(/\d+/g, "N");
  return `${error.name ?? "Error"}: ${general}`;
}
