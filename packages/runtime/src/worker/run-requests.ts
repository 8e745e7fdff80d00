import type { LocalRequestState } from "../api.js";
import { EventType, type NewEvent, type RunKey, updateCompletionOf } from "../history/index.js";
import { decodePayload } from "../json.js";
import type { RunExecutor } from "../replay/executor.js";
import type { QueryAnswer } from "../replay/handlers.js";
import { requestsAtEnd } from "../store/rules/requests.js";
import {
  type RequestState,
  RequestStatus,
  type RequestWrite,
  type RunEnd,
  type StoredRequest,
} from "../store/types.js";
import type { LocalUpdate } from "./local-update.js";
import type { StepChanges } from "./step-changes.js";

/** What a run's requests need of the worker. */
export interface RunRequestsHost {
  /** The run's requests no worker took up yet (see EngineStore.loadRequests). */
  loadRequests(key: RunKey): Promise<StoredRequest[]>;
  /** The updates offered for the run in this process (see LocalRequests.take). */
  takeLocalUpdates(key: RunKey): LocalUpdate[];
  /** Tells callers in this process what became of a request. */
  report(key: RunKey, requestId: string, state: LocalRequestState): void;
}

/**
 * A request as a step handles it: stored by a client (`from` "requested"), or offered in-process
 * (undefined; `local`: the update as offered, when arrive took it).
 */
interface Handled {
  readonly request: Pick<StoredRequest, "requestId" | "kind" | "name" | "inputText">;
  readonly from: "requested" | undefined;
  readonly local?: LocalUpdate;
}

/**
 * A run's update and query requests as its actor sees them, step by step. Stored requests are
 * read when the run's request_gen moved since they were last read (a request bumps it, and a
 * claim, a poke or a commit reports it), so a run nobody sends requests to costs no read.
 * Updates offered in this process come from LocalRequests. Each step validates and accepts
 * updates (or rejects them) against the live executor and answers queries; what became of each
 * is written with the step (StepChanges.requestWrites), and callers in this process are told
 * once it is committed. A step that is not written drops the in-process updates it took.
 *
 * Taking requests up (arrive) and delivering them (apply) are apart so that the actor reads the
 * inbox in between: every signal stored before a request was sent is then seen, and delivered
 * before the request, as a signal is to go first (see RunActor's delivery).
 */
export class RunRequests {
  readonly #key: RunKey;
  readonly #host: RunRequestsHost;
  /** The run's request_gen as last reported. */
  #gen: number;
  /** The request_gen the stored requests were last read under; undefined: not since the run was loaded. */
  #readGen: number | undefined;
  /** This step's writes by request id: an update accepted and completed in one step is one write. */
  readonly #writes = new Map<string, RequestWrite>();
  /** The in-process updates this step took. */
  #taken: LocalUpdate[] = [];
  /** Requests taken up by arrive and not yet delivered by apply, in arrival order. */
  #arrived: Handled[] = [];

  constructor(key: RunKey, host: RunRequestsHost, gen: number, readGen: number | undefined) {
    this.#key = key;
    this.#host = host;
    this.#gen = gen;
    this.#readGen = readGen;
  }

  /** The request_gen the stored requests were read under, for the cache. */
  get readGen(): number | undefined {
    return this.#readGen;
  }

  get gen(): number {
    return this.#gen;
  }

  /** request_gen moved (a poke, a commit): the stored requests are read again. True when it moved. */
  moveTo(gen: number | undefined): boolean {
    if (gen === undefined || gen === this.#gen) return false;
    this.#gen = gen;
    return true;
  }

  /**
   * Takes up what arrived since: the stored requests when request_gen moved since they were read,
   * and the updates offered in this process. True when anything arrived (apply delivers it).
   */
  async arrive(): Promise<boolean> {
    const before = this.#arrived.length;
    if (this.#readGen === undefined ? this.#gen > 0 : this.#readGen !== this.#gen) {
      const readUnder = this.#gen;
      const stored = await this.#host.loadRequests(this.#key);
      this.#readGen = readUnder;
      const waiting = new Set(this.#arrived.map((handled) => handled.request.requestId));
      for (const request of stored) {
        // Still stored as requested while this step, not yet written, handles (or is to handle) it.
        if (this.#writes.has(request.requestId) || waiting.has(request.requestId)) continue;
        this.#arrived.push({ request, from: RequestStatus.Requested });
      }
    }
    for (const update of this.#host.takeLocalUpdates(this.#key)) {
      if (update.take()) this.#arrived.push({ request: update.request, from: undefined, local: update });
    }
    return this.#arrived.length > before;
  }

  /**
   * Delivers what arrived (see arrive): answers queries, validates updates and accepts those that
   * pass, into `step`. True when it delivered an update (the workflow moved).
   */
  async apply(executor: RunExecutor, step: StepChanges): Promise<boolean> {
    let delivered = false;
    const arrived = this.#arrived;
    this.#arrived = [];
    for (const handled of arrived) {
      const { local } = handled;
      if (local !== undefined) {
        if (!executor.acceptsUpdates) {
          local.drop();
          continue;
        }
        this.#taken.push(local);
      }
      if (await this.#handle(executor, step, handled)) delivered = true;
    }
    return delivered;
  }

  /** True when the workflow took the update (it is accepted now). */
  async #handle(executor: RunExecutor, step: StepChanges, handled: Handled): Promise<boolean> {
    const { request, from } = handled;
    const where = `${request.kind} ${request.requestId} of run ${this.#key.runId}`;
    const input = decodePayload(request.inputText, where) ?? null;
    if (request.kind === "query") {
      this.#write(step, handled, answered(executor.query(request.name, input)));
      return false;
    }
    // Ending or continuing as new: the end settles it, or the next iteration takes it.
    if (!executor.acceptsUpdates) return false;
    const refusal = executor.validateUpdate(request.name, input);
    if (refusal !== undefined) {
      const rejected = { status: RequestStatus.Rejected, resultText: null, errorText: JSON.stringify(refusal) };
      // Offered in-process: nothing to write, its caller is told now.
      if (from === undefined) this.#host.report(this.#key, request.requestId, rejected);
      else this.#write(step, handled, rejected);
      return false;
    }
    await executor.acceptUpdate(request.requestId, request.name, request.inputText, input);
    this.#write(step, handled, { status: RequestStatus.Accepted, resultText: null, errorText: null });
    return true;
  }

  /** The updates whose handler ended in this step (their update_completed events in `outbox`). */
  recordCompletions(outbox: readonly NewEvent[], step: StepChanges): void {
    for (const event of outbox) {
      if (event.type !== EventType.UpdateCompleted) continue;
      const completion = updateCompletionOf(event);
      const state: RequestState =
        "resultText" in completion
          ? { status: RequestStatus.Completed, resultText: completion.resultText, errorText: null }
          : { status: RequestStatus.Failed, resultText: null, errorText: completion.errorText };
      const request = { requestId: completion.updateId, kind: "update" as const, name: event.target, inputText: "" };
      // Accepted in an earlier step (its row says so), unless this step accepted it too.
      this.#write(step, { request, from: undefined }, state, RequestStatus.Accepted);
    }
  }

  #write(step: StepChanges, handled: Handled, state: RequestState, foundAs?: "accepted"): void {
    const { request } = handled;
    const earlier = this.#writes.get(request.requestId);
    const from = earlier ? earlier.from : (foundAs ?? handled.from);
    const inputText = earlier ? earlier.inputText : from === undefined ? request.inputText : null;
    const write = { requestId: request.requestId, kind: request.kind, name: request.name, from, inputText, ...state };
    this.#writes.set(request.requestId, write);
    step.requestWrites.length = 0;
    step.requestWrites.push(...this.#writes.values());
  }

  /**
   * The step was written: callers in this process hear what became of their requests. A step
   * that ended the run also failed the updates whose handler still ran (see requestsAtEnd).
   */
  committed(executor: RunExecutor, end: RunEnd | undefined): void {
    for (const [requestId, write] of this.#writes) {
      const { status, resultText, errorText } = write;
      this.#host.report(this.#key, requestId, { status, resultText, errorText });
    }
    for (const update of this.#taken) update.applied();
    if (end !== undefined) {
      const { accepted } = requestsAtEnd(this.#key, end);
      for (const running of executor.runningUpdates()) {
        this.#host.report(this.#key, running.updateId, { ...accepted, resultText: null });
      }
    }
    this.#endStep();
  }

  /** The step was not written (refused, failed, or the run let go of): in-process updates it took go back to their callers. */
  abandon(): void {
    for (const update of this.#taken) update.drop();
    this.#endStep();
  }

  #endStep(): void {
    // Taken up by a step that ended the run (or failed) before delivering them: their callers
    // store them, and the end settles them; stored ones are settled by the end, or read again.
    for (const { local } of this.#arrived) local?.drop();
    if (this.#arrived.some((handled) => handled.local === undefined)) this.#readGen = undefined;
    this.#arrived = [];
    this.#writes.clear();
    this.#taken = [];
  }
}

/** The answer of a query whose input is stored JSON text, from the executor's state now. */
export function answerQuery(executor: RunExecutor, name: string, inputText: string): QueryAnswer {
  return executor.query(name, decodePayload(inputText, `the input of query ${name}`) ?? null);
}

/** A query's answer as its caller reads it. */
export function answered(answer: QueryAnswer): RequestState {
  if ("resultText" in answer)
    return { status: RequestStatus.Completed, resultText: answer.resultText, errorText: null };
  return { status: RequestStatus.Failed, resultText: null, errorText: JSON.stringify(answer.error) };
}
