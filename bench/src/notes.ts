import type { Sizes } from "./config.js";
import { POOL_SIZE } from "./systems/pool-size.js";

/** How each figure was obtained; printed under the table and kept in the JSON. */
export function methodNotes(sizes: Sizes): string[] {
  return [
    "Both systems run in this one Node.js process, each workload on fresh databases (replaykit: a scratch MariaDB database and namespace; DBOS: a fresh PostgreSQL system database, DBOS relaunched). Within a workload both systems are up side by side and take turns (W1 run by run, W2 in 2 rounds, W4 signal by signal; W5 sleeps on both at once), so background load on a shared machine hits both alike.",
    `Each system gets a pool of ${POOL_SIZE} connections (replaykit: the mysql2 pool of its client and worker; DBOS: systemDatabasePoolSize). ${sizes.warmup} untimed warm-up runs precede each timed series.`,
    "Durability is each server's default: MariaDB innodb_flush_log_at_trx_commit=1 with the binary log off (the test harness starts mariadbd with --skip-log-bin); PostgreSQL fsync=on, synchronous_commit=on. Both are throwaway servers on loopback, on the same disk.",
    `W1: ${sizes.w1.runs} runs one after another per N; run time = start call to result (replaykit: client.runWorkflow + client.awaitResult; DBOS: DBOS.startWorkflow + handle.getResult); per step = run time / max(N, 1), p50/p95 over runs.`,
    `W2: ${sizes.w2.runs} runs of ${sizes.w2.steps} no-op steps per system, split into 2 rounds; time = the sum over a system's rounds of first start to last result. replaykit: worker concurrency = c, all runs started by the client at once (8 concurrent runWorkflow callers), then awaited. DBOS: c concurrent callers, each looping DBOS.startWorkflow + getResult (no queue). steps/s = runs/s x ${sizes.w2.steps}.`,
    `W3 (replaykit only): one run of ${sizes.w3.short} and one of ${sizes.w3.long} sequential no-op steps, start to result, median of ${sizes.w3.trials} trial(s), with the run cache at its default and with cacheSize: 0; ratio = long / short (linear scaling gives ${sizes.w3.long / sizes.w3.short}).`,
    `W4: one run awaits ${sizes.w4.signals} signals in sequence (replaykit ctx.awaitSignal / DBOS.recv); latency = the moment the workflow code resumes (performance.now(), recorded by a first-sighting probe that replays cannot overwrite and that feeds nothing back into the workflow) - the moment just before client.signalRun / DBOS.send is called; 20 ms pause between signals so each finds the workflow parked.`,
    `W5: one run sleeps ${sizes.w5.sleeps} x ${sizes.w5.sleepMs} ms in sequence (ctx.sleep / DBOS.sleep); lateness = resumed after the sleep - called the sleep - ${sizes.w5.sleepMs} ms, same probe as W4.`,
    `Floor: one connection, autocommit; ${sizes.floor.commits} single-row INSERTs (each a durable commit) and ${sizes.floor.batches} INSERTs of ${sizes.floor.batchRows} rows. Measured before and after the workloads; the table keeps the better pass, the JSON both. MariaDB in the replaykit column, PostgreSQL in the DBOS column. "vs floor" rows relate each engine to its own database: step time in floor commits, and steps/s as a share of floor commits/s.`,
    "Per-step counters (W1 N=10, W2): replaykit from MariaDB SHOW GLOBAL STATUS deltas (Questions; Com_commit = explicit COMMITs only; Innodb_data_fsyncs); DBOS from pg_stat_database.xact_commit (every transaction, read-only and single autocommit statements included, so not comparable one to one) and pg_stat_wal.wal_sync. Raw deltas are in the JSON. `npm run trace -w @replaykit/bench -- <steps>` lists every statement of one replaykit run.",
    "W2 CPU rows: cores busy on average during the timed batch, from process.cpuUsage() (the Node.js process, all threads) and /proc/<pid>/stat (mariadbd; postmaster plus its backends). The machine has the cores listed under environment; both servers share them with Node.js.",
    "ratio = replaykit / DBOS; 'better' says which direction wins for that metric; 'ahead' names the winner.",
  ];
}
