import { randomUUID } from "node:crypto";
import type { BulkOptions, BulkResult, Clock, LocalBus } from "../api.js";
import { ReplayError } from "../errors.js";
import type { RunKey } from "../history/index.js";
import { encodePayload, validateName } from "../json.js";
import {
  BULK_ACTIONS,
  type BulkBatch,
  type BulkDescription,
  type BulkSpec,
  encodeBulkSpec,
} from "../store/bulk-records.js";
import { bulkFinished } from "../store/rules/bulk.js";
import type { Store } from "../store/types.js";
import { checkedListFilter } from "./management.js";

/** Runs listed per page, and acted on per round (between two progress reports). */
const LIST_PAGE = 1000;
const ROUND = 100;
/** Runs of a round acted on at once, each in a transaction of its own. */
const PARALLEL = 8;

/** What a bulk action needs of the client. */
export interface BulkHost {
  readonly store: Store;
  readonly clock: Clock;
  readonly local: LocalBus;
  readonly maxPayloadBytes: number;
  ready(): Promise<void>;
}

/**
 * See Client.bulk. Two phases, both resumable from what the store keeps: the listing (pages of
 * listRuns, each stored as pending items with the cursor after it, in one transaction) and the
 * actions (rounds of pending items, each acted on and marked in one transaction: see
 * BulkStore.applyBulkItem). A call with the id of a batch that was cut short goes on where it
 * stopped; one with the id of a finished batch returns its result.
 */
export async function runBulk(host: BulkHost, namespace: string, options: BulkOptions): Promise<BulkResult> {
  const ns = validateName("namespace", namespace);
  const batchId = options.batchId === undefined ? randomUUID() : validateName("batchId", options.batchId);
  const spec = bulkSpecOf(batchId, options, host.maxPayloadBytes);
  await host.ready();
  let batch = await host.store.openBulk(ns, batchId, spec, host.clock.now());
  if (encodeBulkSpec(batch.spec) !== encodeBulkSpec(spec)) {
    throw new ReplayError(
      "INVALID_BULK",
      `batch ${JSON.stringify(batchId)} was started as ${encodeBulkSpec(batch.spec)}; continue it with the same options, or use another batchId`,
    );
  }
  batch = await listAll(host, batch);
  for (;;) {
    const items = await host.store.pendingBulkItems(ns, batchId, ROUND);
    if (items.length === 0) break;
    await actOn(host, batch, items);
    // Workers of this process look again: held runs are poked (a pause, a termination), due ones claimed.
    host.local.wake(ns);
    await options.onProgress?.(await host.store.bulkProgress(ns, batchId));
  }
  return host.store.bulkProgress(ns, batchId);
}

/** See Client.describeBulk: the stored batch and its items' outcomes, read through the store. */
export async function describeBulk(
  host: BulkHost,
  namespace: string,
  batchId: string,
): Promise<BulkDescription | undefined> {
  const ns = validateName("namespace", namespace);
  const id = validateName("batchId", batchId);
  await host.ready();
  const batch = await host.store.readBulk(ns, id);
  if (batch === undefined) return undefined;
  const progress = await host.store.bulkProgress(ns, id);
  return { ...progress, action: batch.spec.action, listed: batch.listed, finished: bulkFinished(batch, progress) };
}

/** Lists the runs the filter selects into the batch's items, from where the listing stopped. */
async function listAll(host: BulkHost, start: BulkBatch): Promise<BulkBatch> {
  let batch = start;
  const { namespace, batchId, spec } = batch;
  while (!batch.listed) {
    const page = await host.store.listRuns({
      namespace,
      ...spec.filter,
      limit: LIST_PAGE,
      ...(batch.listCursor === undefined ? {} : { cursor: batch.listCursor }),
    });
    const runs = page.runs.map((run) => ({ workflow: run.workflow, runId: run.runId }));
    const listed = page.nextCursor === undefined;
    await host.store.addBulkItems(namespace, batchId, runs, page.nextCursor, listed, host.clock.now());
    batch = { ...batch, listed, listCursor: page.nextCursor };
  }
  return batch;
}

/** Acts on a round of items, PARALLEL at a time. */
async function actOn(host: BulkHost, batch: BulkBatch, items: readonly Pick<RunKey, "workflow" | "runId">[]) {
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < items.length; i = next++) {
      await host.store.applyBulkItem(batch, items[i] as Pick<RunKey, "workflow" | "runId">, host.clock.now());
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, lane));
}

/** The batch's spec, every option checked (ReplayError INVALID_BULK, or the filter's own errors). */
export function bulkSpecOf(batchId: string, options: BulkOptions, maxPayloadBytes: number): BulkSpec {
  const { action } = options ?? {};
  if (!BULK_ACTIONS.includes(action)) {
    throw new ReplayError(
      "INVALID_BULK",
      `invalid action ${JSON.stringify(action)}: use one of ${BULK_ACTIONS.map((a) => `"${a}"`).join(", ")}`,
    );
  }
  const {
    cursor: _c,
    limit: _l,
    order: _o,
    namespace: _n,
    ...filter
  } = checkedListFilter({
    namespace: "-",
    ...(options.filter ?? {}),
  });
  return {
    action,
    filter,
    ...(action === "signal" ? { signal: bulkSignal(batchId, options, maxPayloadBytes) } : {}),
    ...(action === "reset" && options.toStep !== undefined ? { toStep: checkStep(options.toStep) } : {}),
    ...((action === "reset" || action === "resume") && options.version !== undefined
      ? { codeVersion: validateName("version", options.version) }
      : {}),
    ...(action === "terminate" && options.reason !== undefined ? { reason: String(options.reason) } : {}),
  };
}

function bulkSignal(batchId: string, options: BulkOptions, maxPayloadBytes: number) {
  if (options.signal === undefined) {
    throw new ReplayError("INVALID_BULK", 'a bulk "signal" needs `signal`, the name of the signal to send each run');
  }
  return {
    signal: validateName("signal", options.signal),
    // One per batch: a run that got it (a batch continued after a crash) does not get it twice.
    externalId: `bulk:${batchId}`,
    payloadText: encodePayload("message", options.message ?? null, maxPayloadBytes),
  };
}

function checkStep(toStep: unknown): number {
  if (Number.isInteger(toStep) && (toStep as number) >= 0) return toStep as number;
  throw new ReplayError("INVALID_STEP", `invalid toStep ${String(toStep)}: use a whole number from 0`);
}
