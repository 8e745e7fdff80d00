import { startMariaDb } from "./mariadb.js";

interface ProvideContext {
  provide(key: "mysqlUrl", value: string): void;
}

/**
 * A vitest `globalSetup`: starts one throwaway MariaDB for the whole run (or uses
 * `REPLAY_MYSQL_URL`) and provides its URL as `inject("mysqlUrl")`. Test files then
 * call `createScratchDatabase(inject("mysqlUrl"))` for a database of their own.
 */
export async function setup(context: ProvideContext): Promise<() => Promise<void>> {
  const db = await startMariaDb();
  context.provide("mysqlUrl", db.url);
  return () => db.stop();
}
