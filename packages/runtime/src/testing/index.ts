export { collectStderr, stopChild } from "./child.js";
export type { ScratchDatabase } from "./database.js";
export { createScratchDatabase, serverOnly, withDatabase } from "./database.js";
export {
  HistoryShapeError,
  HistoryWorkflowMissingError,
  InvalidHistoryError,
  MariaDbNotInstalledError,
  MariaDbStartError,
  TestEnvBusyError,
} from "./errors.js";
export type { GaleraCluster, GaleraNode, StartGaleraOptions } from "./galera.js";
export { startGaleraCluster } from "./galera.js";
export type { CollectedLogs } from "./logger.js";
export { collectLogs } from "./logger.js";
export type { StartMariaDbOptions, TestDatabase } from "./mariadb.js";
export { findMariaDbBinary, freePort, startMariaDb } from "./mariadb.js";
export type { ReplayHistoryOptions, RunHistory, RunIdentity } from "./replay-history.js";
export { replayHistory } from "./replay-history.js";
export type { TestEnv, TestEnvOptions } from "./test-env.js";
export { createTestEnv } from "./test-env.js";
export { setup } from "./vitest-setup.js";
