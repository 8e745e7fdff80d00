export type { Io } from "./replaygen/io.js";
export { main } from "./replaygen/main.js";
