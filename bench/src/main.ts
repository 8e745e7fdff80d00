import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { createPool } from "mysql2/promise";
import { type BenchArgs, parseArgs, UsageError, type WorkloadId } from "./args.js";
import { FULL, QUICK } from "./config.js";
import type { BenchContext } from "./context.js";
import { watchdog } from "./deadline.js";
import { log } from "./log.js";
import { methodNotes } from "./notes.js";
import { environment, loadAverage, renderMarkdown, roundStart, writeReport } from "./report.js";
import { Results } from "./results.js";
import { countRoundTrips } from "./round-trips.js";
import { aggregateRounds, type Round, schedule } from "./rounds.js";
import { Servers } from "./servers.js";
import { mariaDbSettings, postgresSettings } from "./settings.js";
import { addDerivedRows, evaluateTargets } from "./table.js";
import { registerTracing, TRACING_NOTE } from "./tracing.js";
import { runFloor } from "./workloads/floor.js";
import { runW1 } from "./workloads/w1-latency.js";
import { runW2 } from "./workloads/w2-throughput.js";
import { runW3 } from "./workloads/w3-replay.js";
import { runW4 } from "./workloads/w4-signal.js";
import { runW5 } from "./workloads/w5-timer.js";
import { runW6 } from "./workloads/w6-scale.js";
import { runW7 } from "./workloads/w7-scale-out.js";
import { runW8 } from "./workloads/w8-memory-fanout.js";
import { runW9 } from "./workloads/w9-talk.js";
import { runW10 } from "./workloads/w10-streams.js";
import { runW11 } from "./workloads/w11-large-results.js";
import { runWG } from "./workloads/wg-galera.js";
import { runWQ } from "./workloads/wq-queue.js";

const RUNNERS: Record<WorkloadId, (ctx: BenchContext) => Promise<void>> = {
  floor: runFloor,
  W1: runW1,
  W2: runW2,
  W3: runW3,
  W4: runW4,
  W5: runW5,
  WQ: runWQ,
  W6: runW6,
  W7: runW7,
  W8: runW8,
  W9: runW9,
  W10: runW10,
  W11: runW11,
  WG: runWG,
};

/** One round must end by then on average (the deadline is per round): quick mode is part of CI. */
const QUICK_DEADLINE_MS = 240_000;
const FULL_DEADLINE_MS = 3_600_000;

/** The installed DBOS SDK version (its package.json is not exported, so walk up from its entry point). */
function dbosVersion(): string {
  let dir = dirname(createRequire(import.meta.url).resolve("@dbos-inc/dbos-sdk"));
  while (dir !== dirname(dir)) {
    const path = join(dir, "package.json");
    if (existsSync(path)) {
      const pkg: unknown = JSON.parse(readFileSync(path, "utf8"));
      if (typeof pkg === "object" && pkg !== null && "version" in pkg && "name" in pkg) return String(pkg.version);
    }
    dir = dirname(dir);
  }
  return "unknown";
}

async function startServers(args: BenchArgs, servers: Servers, results: Results): Promise<void> {
  if (args.systems.has("replaykit")) {
    log("starting MariaDB (REPLAY_MYSQL_URL if set, else a throwaway mariadbd)");
    const mariaDb = await servers.startMariaDb();
    const pool = createPool({ uri: mariaDb.url, connectionLimit: 1 });
    const origin = mariaDb.pid === undefined ? "REPLAY_MYSQL_URL" : "throwaway, started with --skip-log-bin";
    results.detail("mariadb", { ...(await mariaDbSettings(pool)), server: origin });
    await pool.end();
  }
  if (args.systems.has("dbos")) {
    log("starting a throwaway PostgreSQL");
    const postgres = await servers.startPostgres();
    results.detail("postgres", await postgresSettings(postgres.url));
  }
  for (const key of ["mariadb", "postgres"]) {
    if (results.details[key]) log(`${key} settings: ${JSON.stringify(results.details[key])}`);
  }
}

/** Runs the selected workloads round by round (see rounds.ts's schedule), each round into its own table. */
async function runRounds(args: BenchArgs, setup: Omit<BenchContext, "results">): Promise<Round[]> {
  const rounds: Round[] = [];
  for (const turn of schedule(args.only, args.rounds)) {
    let round = rounds[turn.round - 1];
    if (!round) {
      round = { round: turn.round, start: roundStart(), results: new Results() };
      rounds.push(round);
      const { loadAverage1m, freeMemoryMiB } = round.start;
      log(`round ${turn.round} of ${args.rounds}: load ${loadAverage1m.toFixed(2)}, ${freeMemoryMiB} MiB free`);
    }
    await RUNNERS[turn.workload]({ ...setup, results: round.results });
  }
  for (const round of rounds) addDerivedRows(round.results, setup.sizes);
  return rounds;
}

async function bench(args: BenchArgs, servers: Servers): Promise<void> {
  const started = performance.now();
  const sizes = args.quick ? QUICK : FULL;
  const setupResults = new Results();
  const machine = { ...environment(), "@dbos-inc/dbos-sdk": dbosVersion() };
  if (args.trace) {
    registerTracing();
    log(TRACING_NOTE);
  }
  await startServers(args, servers, setupResults);
  countRoundTrips();

  const rounds = await runRounds(args, {
    sizes,
    systems: args.systems,
    mariaDbUrl: servers.mariaDb?.url ?? "",
    mariaDbPid: servers.mariaDb?.pid,
    postgres: servers.postgres,
    replaykit: args.systems.has("replaykit") ? await import("./systems/replaykit.js") : undefined,
  });
  await servers.stop();

  const results = aggregateRounds(rounds.map((round) => round.results));
  results.detail("environment", { ...machine, "load average at end": loadAverage() });
  Object.assign(results.details, setupResults.details);
  results.notes.push(...methodNotes(sizes, args.rounds), ...(args.trace ? [TRACING_NOTE] : []));
  const report = {
    date: new Date().toISOString().slice(0, 10),
    args,
    sizes,
    results,
    rounds,
    targets: evaluateTargets(results, sizes),
    wallSeconds: (performance.now() - started) / 1000,
  };
  const markdown = renderMarkdown(report);
  process.stdout.write(markdown);
  for (const path of await writeReport(report, markdown)) log(`wrote ${path}`);
}

async function main(): Promise<number> {
  let args: BenchArgs;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  watchdog((args.quick ? QUICK_DEADLINE_MS : FULL_DEADLINE_MS) * args.rounds, log);
  const servers = new Servers();
  process.on("exit", () => servers.stopSync());
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping the servers this run started`);
      void servers.stop().finally(() => process.exit(130));
    });
  }
  try {
    await bench(args, servers);
    return 0;
  } catch (error) {
    log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  } finally {
    await servers.stop();
  }
}

process.exitCode = await main();
// DBOS and pools may leave timers behind; the report is written, so end here.
process.exit();
