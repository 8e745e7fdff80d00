export { activity, defineNamespace, onEvent, output, queue, schedule, signal, workflow } from "./define.js";
export type * from "./types.js";
