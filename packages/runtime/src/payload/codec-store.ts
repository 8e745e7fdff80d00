import type { RunKey } from "../history/index.js";
import type { DueSchedule, TickPlan } from "../schedule/plan.js";
import type { BulkBatch, BulkSpec } from "../store/bulk-records.js";
import type { OpenPayload, PayloadAccess } from "../store/open-events.js";
import type { ListRunsFilter } from "../store/records.js";
import type {
  ActivityStreamBatch,
  ClaimedRun,
  EventFilter,
  ForkRequest,
  HistoryOptions,
  NewPublishedEvent,
  NewRequest,
  NewRun,
  NewSignal,
  PurgeRequest,
  RequestArrival,
  RequestState,
  RunReset,
  ScheduleSpec,
  StepWrite,
  Store,
  StoredChunk,
  TokenCompletionWrite,
  TriggerPlanner,
} from "../store/types.js";
import { holdsEncoded } from "./encoded.js";
import { PassThroughStore } from "./pass-through-store.js";
import type { PayloadStore } from "./payload-store.js";
import type { PayloadPipeline } from "./pipeline.js";
import {
  openHistoryEvent,
  openInspection,
  openRecorded,
  openRun,
  openSchedule,
  openSignals,
  openStreamEvent,
  openTasks,
  openText,
} from "./record-payloads.js";
import { encodeStep, encodeStreamAppends, passes } from "./step-payloads.js";
import type { PayloadViewOptions, Sealer } from "./view.js";

/**
 * The store boundary of a client's payloads: a Store over another that encodes every payload
 * on its way in (codecs, offload, secret fields: see PayloadPipeline) and decodes it on its way
 * out, so the worker and the executor see payload text as the code wrote it, and replay compares
 * decoded text. The client and its workers use the store through it (`client.store`); `inner`
 * is the store itself.
 *
 * Every Store method is here or, carrying no payload, in PassThroughStore (listed there by
 * name), so a method added to Store does not compile until it says what its payloads need; a
 * field added to StepWrite is classified in step-payloads.ts.
 */
export class CodecStore<S extends Store = Store> extends PassThroughStore<S> implements Store {
  readonly payloads: PayloadPipeline;
  /** A payload store outside the database, whose payloads purgeRuns deletes through its hook. */
  readonly #external: PayloadStore | undefined;

  constructor(inner: S, payloads: PayloadPipeline, payloadStore: PayloadStore | undefined) {
    super(inner);
    this.payloads = payloads;
    this.#external = payloadStore === undefined || payloadStore === inner.payloadTable ? undefined : payloadStore;
  }

  /**
   * The same boundary for an operator's tool: it writes as this one and reads what `options`
   * allow, sealing the rest (see payload/view.ts). A client given it uses it as it is.
   */
  viewing(options: PayloadViewOptions | Sealer): CodecStore<S> {
    return new CodecStore(this.inner, this.payloads.viewing(options), this.#external);
  }

  get description(): string {
    return this.inner.description;
  }
  get payloadTable(): PayloadStore | undefined {
    return this.inner.payloadTable;
  }

  // --- what carries no payload --------------------------------------------------------------

  /**
   * A fresh run comes with its input as stored, so that its history needs no read: decoded here.
   * When it cannot be, the run comes without it, and the worker reads its history, where the
   * same fault parks it as a fault of that run.
   */
  async readRun(key: RunKey, owner: string, now: number) {
    const read = await this.inner.readRun(key, owner, now);
    return read === undefined ? undefined : this.#opened(read, key);
  }
  /** A run read by key as the worker takes it up: what it brought along (signals, a fresh run's input) decoded. */
  async #opened(read: ClaimedRun, key: RunKey): Promise<ClaimedRun> {
    const run = read.signals === undefined ? read : await this.#withOpenSignals(read, key);
    if (run.fresh === undefined || !holdsEncoded(run.fresh.inputText)) return run;
    try {
      return { ...run, fresh: { ...run.fresh, inputText: await this.payloads.decode(run.fresh.inputText, key) } };
    } catch {
      const { fresh: _, ...withoutInput } = run;
      return withoutInput;
    }
  }
  /** The signals read along with a run, decoded; without them (the worker reads them itself, and meets the fault there) when one cannot be. */
  async #withOpenSignals(run: ClaimedRun, key: RunKey): Promise<ClaimedRun> {
    try {
      return { ...run, signals: await openSignals(this.payloads, [...(run.signals ?? [])], key) };
    } catch {
      const { signals: _, ...withoutSignals } = run;
      return withoutSignals;
    }
  }
  /** A tick's run gets its schedule's input as stored (encoded when it was saved). */
  fireSchedules(namespace: string, now: number, plan: (due: DueSchedule) => TickPlan) {
    return this.inner.fireSchedules(namespace, now, plan);
  }
  /**
   * The triggers read the event's data decoded (their `runId` takes it); the runs they start get
   * it as stored. Data that cannot be decoded (a missing key) starts no run and blocks no dispatch.
   */
  dispatchEvents(namespace: string, now: number, limit: number, plan: TriggerPlanner) {
    return this.inner.dispatchEvents(namespace, now, limit, async (event) => {
      if (!holdsEncoded(event.dataText)) return plan(event);
      let dataText: string;
      try {
        dataText = await this.payloads.decode(event.dataText, undefined);
      } catch {
        return [];
      }
      const plans = await plan({ ...event, dataText });
      return plans.map((planned) =>
        planned.inputText === dataText ? { ...planned, inputText: event.dataText } : planned,
      );
    });
  }
  /**
   * The reason is the operator's, stored in the clear like the engine's own errors; the store
   * opens the run's child requests to find the children it waits for.
   */
  terminateRun(key: RunKey, reason: string, now: number) {
    return this.inner.terminateRun(key, reason, now, this.#open);
  }
  /**
   * The new iteration copies the old one's events as stored (its offloaded payloads are the
   * run's own); the store opens their responses to find the signals consumed and the failures.
   */
  resetRun(key: RunKey, request: RunReset, now: number) {
    return this.inner.resetRun(key, request, now, this.#open);
  }

  // --- writes: payloads encoded ------------------------------------------------------------
  // A write whose payloads pass as they are (no codecs, small) goes to the store at once, as if
  // there were no boundary: plain steps cost what they cost without it.

  commit(steps: readonly StepWrite[]) {
    if (steps.every((step) => passes(step, this.payloads))) return this.inner.commit(steps);
    return Promise.all(steps.map((step) => encodeStep(step, this.payloads))).then((encoded) =>
      this.inner.commit(encoded),
    );
  }
  createRun(run: NewRun, tx?: unknown) {
    if (this.payloads.passes(run.inputText)) return this.inner.createRun(run, tx);
    return this.#encoded(run.inputText, run.key).then((inputText) => this.inner.createRun({ ...run, inputText }, tx));
  }
  addSignal(key: RunKey, signal: NewSignal, now: number, tx?: unknown) {
    if (this.payloads.passes(signal.payloadText)) return this.inner.addSignal(key, signal, now, tx);
    return this.#encoded(signal.payloadText, key).then((payloadText) =>
      this.inner.addSignal(key, { ...signal, payloadText }, now, tx),
    );
  }
  /** The run read back comes as readRun brings it: its signals and fresh input decoded (see readRun). */
  async addSignalAndRead(key: RunKey, signal: NewSignal, now: number) {
    const payloadText = this.payloads.passes(signal.payloadText)
      ? signal.payloadText
      : await this.#encoded(signal.payloadText, key);
    const added = await this.inner.addSignalAndRead(key, { ...signal, payloadText }, now);
    if (added.run === undefined) return added;
    return { ...added, run: { ...added.run, claimed: await this.#opened(added.run.claimed, key) } };
  }
  recordHeartbeat(
    key: RunKey,
    iteration: number,
    task: { readonly target: string; readonly seq: number; readonly attempt: number },
    detailsText: string,
    now: number,
  ) {
    return this.#encoded(detailsText, key).then((text) => this.inner.recordHeartbeat(key, iteration, task, text, now));
  }
  park(key: RunKey, owner: string, errorText: string, now: number, version?: number) {
    return this.#encoded(errorText, key).then((text) => this.inner.park(key, owner, text, now, version));
  }
  async signalWithStart(run: NewRun, signal: NewSignal, tx?: unknown) {
    const [inputText, payloadText] = await Promise.all([
      this.#encoded(run.inputText, run.key),
      this.#encoded(signal.payloadText, run.key),
    ]);
    return this.inner.signalWithStart({ ...run, inputText }, { ...signal, payloadText }, tx);
  }
  /** The request's input encoded; the state of a request stored under its id before, decoded. */
  async addRequest(key: RunKey, request: NewRequest, now: number) {
    const inputText = await this.#encoded(request.inputText, key);
    return this.#openArrival(await this.inner.addRequest(key, { ...request, inputText }, now), key);
  }
  async updateWithStart(run: NewRun, request: NewRequest) {
    const [inputText, requestInput] = await Promise.all([
      this.#encoded(run.inputText, run.key),
      this.#encoded(request.inputText, run.key),
    ]);
    const written = await this.inner.updateWithStart({ ...run, inputText }, { ...request, inputText: requestInput });
    return { created: written.created, arrival: await this.#openArrival(written.arrival, run.key) };
  }
  forgetRequest(key: RunKey, requestId: string) {
    return this.inner.forgetRequest(key, requestId);
  }
  /**
   * A token's completion and an event's data are encoded, never offloaded: the client does not
   * know the token's run before the store looks it up, and an event may go to many runs and is
   * deleted by age, not with a run.
   */
  async completeToken(completion: TokenCompletionWrite, tx?: unknown) {
    const completionText = await this.#encodedInline(completion.completionText);
    return this.inner.completeToken({ ...completion, completionText }, tx);
  }
  async publishEvent(event: NewPublishedEvent, tx?: unknown) {
    return this.inner.publishEvent({ ...event, dataText: await this.#encodedInline(event.dataText) }, tx);
  }
  /** A schedule's input is encoded but never offloaded: every tick's run gets a copy of it. */
  async saveSchedule(spec: ScheduleSpec, nextTick: number | undefined, now: number) {
    const inputText = await this.payloads.encode(spec.inputText, { ...spec, runId: spec.id }, false);
    return this.inner.saveSchedule({ ...spec, inputText }, nextTick, now);
  }
  /**
   * A fork starts with its source's events as stored. Offloaded payloads among them are copied
   * to the fork too, so that it can still read them once its source is purged.
   */
  async forkRun(request: ForkRequest) {
    const forked = await this.inner.forkRun(request);
    if (forked) {
      const history = (await this.inner.getHistory(request.target, { raw: true })) ?? [];
      const refs = this.payloads.offloadedIn(history.map((event) => event.payload));
      const foreign = refs.filter(
        (ref) => ref.workflow !== request.target.workflow || ref.runId !== request.target.runId,
      );
      for (const ref of foreign) await this.payloads.copyTo(ref, request.target);
    }
    return forked;
  }
  /** An activity's chunks, each value encoded as the run's other payloads are (offloaded when large). */
  appendStreamBatch(batch: ActivityStreamBatch) {
    const texts = batch.appends.flatMap((append) => ("valueText" in append ? [append.valueText] : []));
    if (texts.every((text) => this.payloads.passes(text))) return this.inner.appendStreamBatch(batch);
    return encodeStreamAppends(batch.appends, (text) => this.payloads.encode(text, batch.run)).then((appends) =>
      this.inner.appendStreamBatch({ ...batch, appends }),
    );
  }
  /** Offloaded payloads go with their runs: in the purge transaction for the store's own table, else through `purging`. */
  purgeRuns(request: PurgeRequest) {
    const external = this.#external;
    if (external === undefined) return this.inner.purgeRuns(request);
    return this.inner.purgeRuns({
      ...request,
      purging: async (runs) => {
        await request.purging?.(runs);
        for (const run of runs) await external.delete(run);
      },
    });
  }

  /**
   * A bulk signal's message is stored encoded with its batch, never offloaded (every run of the
   * batch gets a copy of it, as with a schedule's input); the batch comes back decoded, so that a
   * second call compares it with what it asks for.
   */
  async openBulk(namespace: string, batchId: string, spec: BulkSpec, now: number): Promise<BulkBatch> {
    const owner = { namespace, workflow: "bulk", runId: batchId };
    const stored = await this.#bulkSpec(spec, (text) => this.payloads.encode(text, owner, false));
    const batch = await this.inner.openBulk(namespace, batchId, stored, now);
    return { ...batch, spec: await this.#bulkSpec(batch.spec, (text) => this.payloads.decode(text, undefined)) };
  }
  /** The batch's message encoded for the run (see openBulk); a purge takes its offloaded payloads along. */
  async applyBulkItem(batch: BulkBatch, run: Pick<RunKey, "workflow" | "runId">, now: number) {
    const owner = { namespace: batch.namespace, ...run };
    const spec = await this.#bulkSpec(batch.spec, (text) => this.payloads.encode(text, owner, false));
    const external = this.#external;
    const purging =
      external === undefined ? undefined : (runs: readonly RunKey[]) => this.#deleteExternal(external, runs);
    const access: PayloadAccess = { open: this.#open, purging };
    return this.inner.applyBulkItem({ ...batch, spec }, run, now, access);
  }

  /** See OpenPayload: what terminate and reset read of a run's encoded payloads. */
  readonly #open: OpenPayload = (text, key) => openText(this.payloads, text, key);

  async #bulkSpec(spec: BulkSpec, code: (text: string) => Promise<string>): Promise<BulkSpec> {
    if (spec.signal === undefined || this.payloads.passes(spec.signal.payloadText)) return spec;
    return { ...spec, signal: { ...spec.signal, payloadText: await code(spec.signal.payloadText) } };
  }

  async #deleteExternal(external: PayloadStore, runs: readonly RunKey[]): Promise<void> {
    for (const run of runs) await external.delete(run);
  }

  /** The stored text of `text` with nothing offloaded (see completeToken). */
  #encodedInline(text: string): Promise<string> {
    const nobody = { namespace: "", workflow: "", runId: "" };
    return this.payloads.passes(text) ? Promise.resolve(text) : this.payloads.encode(text, nobody, false);
  }

  /** The stored text of `text`; `text` itself, without waiting, when it passes as it is. */
  #encoded(text: string, owner: RunKey): Promise<string> {
    return this.payloads.passes(text) ? Promise.resolve(text) : this.payloads.encode(text, owner);
  }

  // --- reads: payloads decoded -------------------------------------------------------------

  async loadHistory(key: RunKey, iteration: number) {
    const events = await this.inner.loadHistory(key, iteration);
    return Promise.all(events.map((event) => openRecorded(this.payloads, event, key)));
  }
  async loadTasks(key: RunKey, iteration: number) {
    return openTasks(this.payloads, await this.inner.loadTasks(key, iteration), key);
  }
  async loadSignals(key: RunKey, names: readonly string[]) {
    return openSignals(this.payloads, await this.inner.loadSignals(key, names), key);
  }
  async loadRequests(key: RunKey) {
    const requests = await this.inner.loadRequests(key);
    return Promise.all(
      requests.map(async (request) => ({
        ...request,
        inputText: await openText(this.payloads, request.inputText, key),
      })),
    );
  }
  async readRequest(key: RunKey, requestId: string) {
    return this.#openRequest(await this.inner.readRequest(key, requestId), key);
  }
  async withdrawRequest(key: RunKey, requestId: string) {
    return this.#openRequest(await this.inner.withdrawRequest(key, requestId), key);
  }

  async #openRequest(state: RequestState | undefined, key: RunKey): Promise<RequestState | undefined> {
    if (state === undefined) return undefined;
    const [resultText, errorText] = await Promise.all([
      openText(this.payloads, state.resultText, key),
      openText(this.payloads, state.errorText, key),
    ]);
    return { ...state, resultText, errorText };
  }

  async #openArrival(arrival: RequestArrival, key: RunKey): Promise<RequestArrival> {
    if (arrival.added) return arrival;
    return { added: false, state: (await this.#openRequest(arrival.state, key)) as RequestState };
  }
  async getRun(key: RunKey) {
    const run = await this.inner.getRun(key);
    return run && openRun(this.payloads, run);
  }
  async listRuns(filter: ListRunsFilter) {
    const page = await this.inner.listRuns(filter);
    return { ...page, runs: await Promise.all(page.runs.map((run) => openRun(this.payloads, run))) };
  }
  async inspectRun(key: RunKey) {
    const inspection = await this.inner.inspectRun(key);
    return inspection && openInspection(this.payloads, inspection);
  }
  async getSchedule(namespace: string, id: string) {
    const schedule = await this.inner.getSchedule(namespace, id);
    return schedule && openSchedule(this.payloads, schedule);
  }
  async listSchedules(namespace: string) {
    const schedules = await this.inner.listSchedules(namespace);
    return Promise.all(schedules.map((schedule) => openSchedule(this.payloads, schedule)));
  }
  /** Decoded, unless `raw`: then as stored. */
  async getHistory(key: RunKey, options?: HistoryOptions) {
    const history = await this.inner.getHistory(key, options);
    if (history === undefined || options?.raw) return history;
    return Promise.all(history.map((event) => openHistoryEvent(this.payloads, event, key)));
  }
  listStreams(run: RunKey) {
    return this.inner.listStreams(run);
  }
  /** Chunks' values decoded; reset markers carry none. */
  async readStream(run: RunKey, key: string, after: number, limit: number) {
    const read = await this.inner.readStream(run, key, after, limit);
    if (!read.chunks.some((chunk) => chunk.valueText !== null && holdsEncoded(chunk.valueText))) return read;
    const open = async (chunk: StoredChunk): Promise<StoredChunk> =>
      chunk.valueText === null ? chunk : { ...chunk, valueText: await this.payloads.decode(chunk.valueText, run) };
    return { ...read, chunks: await Promise.all(read.chunks.map(open)) };
  }
  async readEvents(cursor: number, filter: EventFilter) {
    const batch = await this.inner.readEvents(cursor, filter);
    return { ...batch, events: await Promise.all(batch.events.map((event) => openStreamEvent(this.payloads, event))) };
  }
}
