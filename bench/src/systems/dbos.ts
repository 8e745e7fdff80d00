import { randomBytes } from "node:crypto";
import { DBOS } from "@dbos-inc/dbos-sdk";
import { RESULT_TIMEOUT_MS, withTimeout } from "../deadline.js";
import { createPgDatabase, type PostgresServer } from "../postgres.js";
import { POOL_SIZE } from "./pool-size.js";

/** DBOS logs warnings and errors to stderr only, so stdout stays the results table. */
const stderrLogger = {
  info: () => {},
  debug: () => {},
  warn: (entry: unknown) => process.stderr.write(`[dbos warn] ${String(entry)}\n`),
  error: (entry: unknown) =>
    process.stderr.write(`[dbos error] ${entry instanceof Error ? (entry.stack ?? entry.message) : String(entry)}\n`),
};

/**
 * Launches DBOS on a fresh system database on `server`, with the functions `register` declares
 * (registration must precede launch), runs `body`, then shuts DBOS down and clears its registry
 * so that the next workload starts from scratch.
 */
export async function withDbos<F, R>(
  server: PostgresServer,
  label: string,
  register: () => F,
  body: (fns: F, systemDatabaseUrl: string) => Promise<R>,
): Promise<R> {
  const database = `dbos_${label.toLowerCase().replace(/[^a-z0-9]/g, "_")}_${randomBytes(4).toString("hex")}`;
  // DBOS's default idle-in-transaction timeout (60 s), set at connection start-up: without it in
  // the URL, DBOS queues a SET on each new pooled connection ahead of the borrower's query, which
  // pg reports as a DeprecationWarning (a query while one is in flight).
  const url = new URL(await createPgDatabase(server, database));
  url.searchParams.set("options", "-c idle_in_transaction_session_timeout=60000");
  const systemDatabaseUrl = url.toString();
  DBOS.setConfig({
    name: `bench-${label.toLowerCase().replace(/[^a-z0-9-]/g, "-")}`,
    systemDatabaseUrl,
    systemDatabasePoolSize: POOL_SIZE,
    logger: stderrLogger,
  });
  const fns = register();
  await DBOS.launch();
  try {
    return await body(fns, systemDatabaseUrl);
  } finally {
    await DBOS.shutdown({ deregister: true });
  }
}

/** The workflow W1-W3 run on DBOS: `n` no-op steps in sequence. */
export function registerSteps(): (n: number) => Promise<number> {
  const noop = DBOS.registerStep(async (i: number) => i, { name: "noop" });
  return DBOS.registerWorkflow(
    async (n: number) => {
      for (let i = 0; i < n; i++) await noop(i);
      return n;
    },
    { name: "steps" },
  );
}

/** Starts workflow `fn` under `workflowID` and waits for its result. */
export async function runDbos<A extends unknown[], R>(
  fn: (...args: A) => Promise<R>,
  workflowID: string,
  ...args: A
): Promise<R> {
  const handle = await DBOS.startWorkflow(fn, { workflowID })(...args);
  return withTimeout(handle.getResult(), RESULT_TIMEOUT_MS, `DBOS workflow ${workflowID}`);
}
