import {
  type Client,
  type HistoryEvent,
  type ListRunsFilter,
  type RunCounts,
  type RunDescription,
  type RunPage,
  RunStatus,
  type TimelineStep,
} from "@replaykit/runtime";
import type { SealedOf } from "../shared/sealed.js";
import { stepsOf } from "../shared/steps.js";
import { loadStreams, type StreamView } from "./streams.js";
import { parseTagFilter } from "./tags.js";
import { loadTree, type RunTree } from "./tree.js";

/** Page size of the runs page. */
export const RUNS_PER_PAGE = 50;

/** Filters of the runs page, as its query string gives them. */
export interface RunsQuery {
  readonly namespace: string;
  readonly workflow?: string;
  readonly status?: RunStatus;
  readonly prefix?: string;
  readonly queue?: string;
  /** Tags the runs must all have, as the filter field gives them: `customer=c-1 plan=pro` (see parseTagFilter). */
  readonly tags?: string;
  /** A window back from now: "1h", "24h", "7d", "30d". */
  readonly since?: string;
  readonly cursor?: string;
}

export interface RunsData {
  readonly query: RunsQuery;
  readonly namespaces: readonly string[];
  readonly counts: RunCounts;
  readonly page: RunPage;
  /** The newest event id when the page was read: live updates follow from there. */
  readonly after: number;
  readonly now: number;
}

export interface RunData {
  readonly run: RunDescription;
  readonly steps: readonly TimelineStep[];
  readonly history: readonly HistoryEvent[];
  readonly streams: readonly StreamView[];
  readonly tree: RunTree;
  /** Recognises the payloads the request's view sealed (see PayloadView.sealedOf). */
  readonly sealedOf: SealedOf;
  readonly after: number;
  readonly now: number;
}

export const SINCE_WINDOWS: Readonly<Record<string, number>> = {
  "1h": 3_600_000,
  "24h": 86_400_000,
  "7d": 7 * 86_400_000,
  "30d": 30 * 86_400_000,
};

/** Everything the runs page shows, read after the event position that live updates follow from. */
export async function loadRuns(client: Client, query: RunsQuery): Promise<RunsData> {
  const after = await client.lastEventId();
  const now = client.clock.now();
  const [namespaces, counts, page] = await Promise.all([
    client.listNamespaces(),
    client.countRuns({ namespace: query.namespace }),
    client.listRuns(listFilter(query, now)),
  ]);
  return { query, namespaces, counts, page, after, now };
}

export function listFilter(query: RunsQuery, now: number): ListRunsFilter {
  const window = query.since === undefined ? undefined : SINCE_WINDOWS[query.since];
  return {
    namespace: query.namespace,
    order: "desc",
    limit: RUNS_PER_PAGE,
    ...(query.workflow === undefined ? {} : { workflow: query.workflow }),
    ...(query.status === undefined ? {} : { status: query.status }),
    ...(query.prefix === undefined ? {} : { runIdPrefix: query.prefix }),
    ...(query.queue === undefined ? {} : { queue: query.queue }),
    ...(query.tags === undefined ? {} : { tags: parseTagFilter(query.tags) }),
    ...(window === undefined ? {} : { createdAfter: new Date(now - window) }),
    ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
  };
}

/** Everything a run's page shows, its payloads as the request's view reads them; undefined when the run does not exist. */
export async function loadRun(
  client: Client,
  sealedOf: SealedOf,
  key: { readonly namespace: string; readonly workflow: string; readonly runId: string },
): Promise<RunData | undefined> {
  const { namespace, workflow, runId } = key;
  const after = await client.lastEventId();
  const run = await client.describeRun(namespace, workflow, runId);
  if (run === undefined) return undefined;
  const [history, streams] = await Promise.all([
    client.getHistory(namespace, workflow, runId, { iteration: run.iteration }),
    loadStreams(client, namespace, workflow, runId),
  ]);
  const steps = stepsOf(history, sealedOf);
  const tree = await loadTree(client, sealedOf, run, steps);
  return { run, steps, history, streams, tree, sealedOf, after, now: client.clock.now() };
}

export function isRunStatus(value: string | undefined): value is RunStatus {
  return value !== undefined && (Object.values(RunStatus) as string[]).includes(value);
}
