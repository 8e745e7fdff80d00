import { randomUUID } from "node:crypto";
import { type BulkAction, type BulkOptions, type BulkProgress, type Client, ReplayError } from "@replaykit/runtime";
import { BULK_ACTIONS } from "../shared/bulk-actions.js";
import { type Action, type Body, text } from "./actions.js";
import { listFilter, type RunsQuery } from "./data.js";
import { param, type RouteContext, sendJson } from "./http.js";
import { runsQueryOf } from "./pages-routes.js";
import { wholeNumber } from "./run-actions.js";

/** Batches this inspector remembers the progress of (the newest). */
const REMEMBERED = 100;
/** Runs listed per page while counting what a filter selects, and the most counted (beyond it: "more than"). */
const COUNT_PAGE = 1000;
const COUNT_CAP = 100_000;

/** A bulk action this inspector started: its progress so far, and how it ended. */
export interface TrackedBulk {
  readonly action: BulkAction;
  progress: BulkProgress | undefined;
  finished: boolean;
  error: string | undefined;
}

/**
 * The bulk actions this inspector runs. A bulk runs on after the request that started it has
 * been answered; its page polls GET /api/bulk-progress. The batch is resumable by its id with
 * client.bulk or `replaykit bulk` should the inspector stop mid-way; its progress is stored, so
 * an inspector started again shows it (client.describeBulk), as not running here.
 */
export class BulkTracker {
  readonly #batches = new Map<string, TrackedBulk>();

  start(client: Client, namespace: string, options: BulkOptions & { batchId: string }): void {
    const tracked: TrackedBulk = { action: options.action, progress: undefined, finished: false, error: undefined };
    this.#batches.set(options.batchId, tracked);
    for (const old of [...this.#batches.keys()].slice(0, Math.max(0, this.#batches.size - REMEMBERED))) {
      this.#batches.delete(old);
    }
    const onProgress = (progress: BulkProgress) => {
      tracked.progress = progress;
    };
    client.bulk(namespace, { ...options, onProgress }).then(
      (result) => {
        tracked.progress = result;
        tracked.finished = true;
      },
      (error: unknown) => {
        tracked.error = error instanceof Error ? error.message : String(error);
        tracked.finished = true;
      },
    );
  }

  get(batchId: string): TrackedBulk | undefined {
    return this.#batches.get(batchId);
  }
}

/** The runs page's filter a bulk body carries (`filter`: the page's query fields). */
function queryOf(body: Body): RunsQuery {
  const filter = (typeof body.filter === "object" && body.filter !== null ? body.filter : {}) as Body;
  const query = runsQueryOf(text(body, "namespace"), (name) => text(filter, name) || undefined);
  const { cursor: _cursor, ...rest } = query;
  return rest;
}

/** The filter as listRuns takes it; `since` is a window back from `now`. */
function bulkFilter(query: RunsQuery, now: number): BulkOptions["filter"] {
  const { namespace: _n, order: _o, limit: _l, cursor: _c, ...filter } = listFilter(query, now);
  return filter;
}

/** POST /api/bulk-count: how many runs the filter selects now, for the confirmation. */
export const bulkCountAction: Action = async ({ view }, body) => {
  const query = queryOf(body);
  const count = await countMatching(view.client, query);
  const more = count > COUNT_CAP;
  const shown = more ? COUNT_CAP : count;
  return { status: 200, message: `${more ? "more than " : ""}${shown} runs match`, count: shown, more };
};

async function countMatching(client: Client, query: RunsQuery): Promise<number> {
  const filter = { ...listFilter(query, client.clock.now()), limit: COUNT_PAGE, order: "asc" as const };
  let count = 0;
  let cursor: string | undefined;
  do {
    const page = await client.listRuns({ ...filter, ...(cursor === undefined ? {} : { cursor }) });
    count += page.runs.length;
    cursor = page.nextCursor;
  } while (cursor !== undefined && count <= COUNT_CAP);
  return count;
}

/** POST /api/bulk: starts the action on the runs the filter selects; answers with the batch id to poll. */
export function bulkAction(tracker: BulkTracker): Action {
  return async ({ view }, body) => {
    const action = text(body, "action") as BulkAction;
    if (!(BULK_ACTIONS as readonly string[]).includes(action)) {
      return {
        status: 400,
        message: `unknown bulk action ${JSON.stringify(body.action)}: use one of ${BULK_ACTIONS.join(", ")}`,
      };
    }
    const query = queryOf(body);
    const client = view.client;
    const batchId = randomUUID();
    const options = { action, batchId, filter: bulkFilter(query, client.clock.now()), ...extrasOf(action, body) };
    if (action === "terminate" && options.reason === undefined) {
      return { status: 400, message: "a bulk terminate needs a reason: say why, it is kept with each run" };
    }
    if (action === "signal" && options.signal === undefined) {
      return { status: 400, message: "a bulk signal needs the signal's name" };
    }
    tracker.start(client, query.namespace, options);
    return { status: 202, message: `bulk ${action} started as batch ${batchId}`, batchId };
  };
}

function extrasOf(action: BulkAction, body: Body): Partial<BulkOptions> {
  const reason = text(body, "reason").trim();
  const signal = text(body, "signal").trim();
  const version = text(body, "version").trim();
  const toStep = wholeNumber(body.toStep);
  return {
    ...(action === "terminate" && reason !== "" ? { reason } : {}),
    ...(action === "signal" && signal !== "" ? { signal, message: body.message ?? null } : {}),
    ...(action === "reset" && toStep !== undefined ? { toStep } : {}),
    ...((action === "reset" || action === "resume") && version !== "" ? { version } : {}),
  };
}

/**
 * GET /api/bulk-progress?ns&id: the progress of a bulk (token required). One this inspector runs
 * is followed in memory; any other (started before this inspector did, or elsewhere) is read
 * from the store, `running: false`: a batch cut short goes on only when its id is given again.
 */
export function bulkProgressRoute(tracker: BulkTracker) {
  return async (context: RouteContext): Promise<void> => {
    if (!context.unlocked) return sendJson(context.response, 401, { ok: false, error: "a valid token is needed" });
    const batchId = param(context.url, "id") ?? "";
    const tracked = tracker.get(batchId);
    if (tracked !== undefined) return sendJson(context.response, 200, trackedProgress(batchId, tracked));
    const namespace = param(context.url, "ns") ?? context.namespace ?? "";
    const stored = batchId === "" || namespace === "" ? undefined : await storedBulk(context, namespace, batchId);
    if (stored === undefined) {
      return sendJson(context.response, 404, {
        ok: false,
        error: `no bulk ${JSON.stringify(batchId)} in namespace ${JSON.stringify(namespace)}`,
      });
    }
    const { action, finished } = stored;
    sendJson(context.response, 200, { ok: true, ...progressFields(stored), action, finished, running: false });
  };
}

/** The batch as stored; undefined when there is none, or the id is no valid batch id. */
async function storedBulk(context: RouteContext, namespace: string, batchId: string) {
  try {
    return await context.client.describeBulk(namespace, batchId);
  } catch (error) {
    if (error instanceof ReplayError) return undefined;
    throw error;
  }
}

function trackedProgress(batchId: string, tracked: TrackedBulk) {
  const { progress, finished, error, action } = tracked;
  return {
    ok: error === undefined,
    ...progressFields({ batchId, ...progress }),
    action,
    finished,
    running: !finished,
    ...(error === undefined ? {} : { error }),
  };
}

/** The counts a progress answer carries, and the first failures. */
function progressFields(progress: Partial<BulkProgress> & { readonly batchId: string }) {
  const { batchId, matched = 0, done = 0, skipped = 0, failed = 0, failures = [] } = progress;
  return { batchId, matched, done, skipped, failed, failures: failures.slice(0, 20) };
}
