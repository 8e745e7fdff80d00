export type * from "./description.js";
export { explainWaiting, waitingClauses } from "./explain.js";
export { type StepKind, type StepOutcome, type TimelineStep, timelineOf } from "./timeline.js";
