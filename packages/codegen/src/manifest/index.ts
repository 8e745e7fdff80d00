export { activity, defineNamespace, output, signal, workflow } from "./define.js";
export type * from "./types.js";
