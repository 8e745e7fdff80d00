export { collectStderr, stopChild } from "./child.js";
export type { ScratchDatabase } from "./database.js";
export { createScratchDatabase, serverOnly, withDatabase } from "./database.js";
export type { StartMariaDbOptions, TestDatabase } from "./mariadb.js";
export { findMariaDbBinary, freePort, startMariaDb } from "./mariadb.js";
export type { TestEnv, TestEnvOptions } from "./test-env.js";
export { createTestEnv } from "./test-env.js";
export { setup } from "./vitest-setup.js";
