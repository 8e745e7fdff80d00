/*
 * Updates and queries sent to a run, as the stores keep them: one row a request, keyed by run and
 * request id (an update's id: one application per (run, update id)). See rules/requests.ts for
 * how a row moves from status to status, and docs/talking-to-runs.md for the protocol.
 */

/**
 * Where a request stands. `requested`: stored, waiting for a worker. `accepted`: an update whose
 * handler runs. Final: `rejected` (the validator refused it, or the run has no handler),
 * `completed` (a result or an answer), `failed` (the handler threw, or the run ended before it
 * finished; a query the run could not answer), `ended` (the run ended before a worker took the
 * request up).
 */
export const RequestStatus = {
  Requested: "requested",
  Accepted: "accepted",
  Rejected: "rejected",
  Completed: "completed",
  Failed: "failed",
  Ended: "ended",
} as const;
export type RequestStatus = (typeof RequestStatus)[keyof typeof RequestStatus];

const REQUEST_STATUSES: ReadonlySet<string> = new Set(Object.values(RequestStatus));

export function isRequestStatus(value: string): value is RequestStatus {
  return REQUEST_STATUSES.has(value);
}

/** True once a request has its outcome: nothing changes it any more. */
export function isSettled(status: RequestStatus): boolean {
  return status !== RequestStatus.Requested && status !== RequestStatus.Accepted;
}

export type RequestKind = "update" | "query";

/** An update or a query a client sends to a run. */
export interface NewRequest {
  /** An update's id (the caller's, or a random one); a random one for a query. */
  readonly requestId: string;
  readonly kind: RequestKind;
  /** The update's or query's name. */
  readonly name: string;
  readonly inputText: string;
}

/** A request waiting for a worker, as a worker reads it: in the order requests arrived. */
export interface StoredRequest extends NewRequest {
  /** When it was stored, ms since the epoch. */
  readonly createdAt: number;
}

/** Where a request stands, with its outcome once it has one (JSON text). */
export interface RequestState {
  readonly status: RequestStatus;
  readonly resultText: string | null;
  /** A SerializedError as JSON text. */
  readonly errorText: string | null;
}

/** What storing a request did: added it, or found one with its id (its state, the first outcome). */
export type RequestArrival = { readonly added: true } | { readonly added: false; readonly state: RequestState };

/**
 * What a step writes of one request, in the step's transaction. `from` is the status the step
 * found it in: "requested" (stored by a client), "accepted" (an update whose handler finished
 * now), or undefined: the row is new (an update a worker took up from a client in its process).
 */
export interface RequestWrite {
  readonly requestId: string;
  readonly kind: RequestKind;
  readonly name: string;
  readonly from: "requested" | "accepted" | undefined;
  readonly status: RequestStatus;
  /** The input, for a new row. */
  readonly inputText: string | null;
  readonly resultText: string | null;
  readonly errorText: string | null;
}
