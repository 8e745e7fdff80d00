/** Connections each system may hold on its database: the same for replaykit and DBOS. */
export const POOL_SIZE = 20;
