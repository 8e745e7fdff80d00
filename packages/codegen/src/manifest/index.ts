export { activity, defineNamespace, output, queue, schedule, signal, workflow } from "./define.js";
export type * from "./types.js";
