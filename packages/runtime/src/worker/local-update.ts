import type { LocalRequest, LocalTicket } from "../api.js";

/**
 * An update a client offered in this process, queued for a step of its run's actor. Its caller
 * hears what becomes of it on the local bus: an outcome once a step wrote it, or "dropped" when
 * no step here applied it (the caller then stores it, with the same id).
 */
export class LocalUpdate implements LocalTicket {
  readonly request: LocalRequest;
  readonly #dropped: () => void;
  #state: "queued" | "taken" | "over" = "queued";

  constructor(request: LocalRequest, dropped: () => void) {
    this.request = request;
    this.#dropped = dropped;
  }

  withdraw(): boolean {
    if (this.#state !== "queued") return false;
    this.#state = "over";
    return true;
  }

  /** A step takes it; false when its caller withdrew it first. */
  take(): boolean {
    if (this.#state !== "queued") return false;
    this.#state = "taken";
    return true;
  }

  /** A step applied it and wrote (or reported) what became of it. */
  applied(): void {
    this.#state = "over";
  }

  /** Not applied here: its caller sends it to the store. */
  drop(): void {
    if (this.#state === "over") return;
    this.#state = "over";
    this.#dropped();
  }
}
