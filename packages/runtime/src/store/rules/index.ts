/*
 * The pure decisions of the run lifecycle. Each takes plain values (a run's state as a plain
 * object, the request, `now`) and returns what to persist, or a refusal; no I/O. Both stores
 * (store/mysql, store/memory) call these and persist only what they return, so a decision is
 * written once. Where SQL must restate a rule to run inside the database (the fence, the claim
 * filter), its twin sits in store/mysql/ in a file of the same name, and a conformance case
 * holds the two together.
 */
export * from "./cancel.js";
export * from "./children.js";
export * from "./claim-filter.js";
export * from "./events.js";
export * from "./fence.js";
export * from "./fork.js";
export * from "./lease.js";
export * from "./new-run.js";
export * from "./park.js";
export * from "./pause.js";
export * from "./queue-picking.js";
export * from "./queue-slots.js";
export * from "./requests.js";
export * from "./reset.js";
export * from "./resume.js";
export * from "./run-filter.js";
export * from "./signals.js";
export * from "./stalls.js";
export * from "./step-layout.js";
export * from "./streams.js";
export * from "./terminate.js";
export * from "./tokens.js";
export * from "./triggers.js";
export * from "./wake.js";
