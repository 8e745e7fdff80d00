export * from "./children.js";
export * from "./codec.js";
export * from "./events.js";
export * from "./run-key.js";
export * from "./status.js";
export * from "./steps.js";
export * from "./tags.js";
export * from "./waits.js";
