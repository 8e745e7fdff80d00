export {
  activity,
  defineNamespace,
  onEvent,
  output,
  query,
  queue,
  schedule,
  signal,
  stream,
  tag,
  update,
  workflow,
} from "./define.js";
export type * from "./types.js";
