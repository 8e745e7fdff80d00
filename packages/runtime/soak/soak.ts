/**
 * `npm run soak -- --minutes 20 [--rate 30]`: a steady mixed load on a throwaway MariaDB (or
 * REPLAY_MYSQL_URL) for the given minutes, with one worker process that runs throughout and
 * one that is restarted every minute (every third time by SIGKILL, so its runs are taken over
 * when their leases end). Prints a line a minute: runs/s, step latency p50/p99, the workers'
 * and the server's memory, connections, row counts. Not part of CI.
 */
import { parseArgs } from "node:util";
import { createClient } from "../src/index.js";
import { createScratchDatabase, startMariaDb } from "../src/testing/index.js";
import { rssOf, SoakWorker } from "./children.js";
import { startProducer } from "./producer.js";
import { connections, header, measure, row, runningCount, type Sample, tableRows } from "./sampler.js";

const { values } = parseArgs({
  options: { minutes: { type: "string", default: "20" }, rate: { type: "string", default: "30" } },
});
const minutes = Number(values.minutes);
const rate = Number(values.rate);
if (!(Number.isInteger(minutes) && minutes > 0) || !(rate > 0)) {
  console.error(
    `soak: --minutes must be a positive integer and --rate a positive number (runs/s), got ${values.minutes} and ${values.rate}`,
  );
  process.exit(2);
}

const MINUTE = 60_000;
const log = (line: string) => process.stdout.write(`${line}\n`);

log(`soak: ${minutes} min at ${rate} runs/s; starting a throwaway MariaDB (or using REPLAY_MYSQL_URL)`);
const server = await startMariaDb();
const db = await createScratchDatabase(server.url, "soak");
const client = createClient({ pool: db.pool });
await client.migrate();
log(`soak: database ${db.name} on ${server.host}:${server.port}; starting workers`);

const steady = await SoakWorker.start(db.url, "steady");
let generation = 0;
let restarted = await SoakWorker.start(db.url, `restarted-${generation}`);
const producer = startProducer(client, rate);
const samples: Sample[] = [];
log(header());

const startedAt = Date.now();
for (let minute = 1; minute <= minutes; minute++) {
  await new Promise((resolve) => setTimeout(resolve, startedAt + minute * MINUTE - Date.now()));
  const to = client.clock.now();
  const { completed, p50, p99 } = await measure(db.pool, to - MINUTE, to);
  const sample: Sample = {
    minute,
    runsPerSecond: completed / 60,
    stepP50: p50,
    stepP99: p99,
    steadyRss: steady.rssMiB(),
    restartedRss: restarted.rssMiB(),
    serverRss: rssOf(server.pid),
    connections: await connections(db.pool),
    rows: await tableRows(db.pool),
    running: await runningCount(db.pool),
  };
  samples.push(sample);
  log(row(sample));
  if (minute < minutes) restarted = await restart(restarted);
}

log(`soak: stopping the load; ${producer.failures()} producer calls failed`);
await producer.stop();
const drainUntil = Date.now() + MINUTE;
while ((await runningCount(db.pool)) > 0 && Date.now() < drainUntil) await new Promise((r) => setTimeout(r, 500));
const left = await runningCount(db.pool);
await Promise.all([steady.terminate(), restarted.terminate()]);
log(`soak: ${left} runs still running a minute after the load stopped`);
log(summary(samples));
await db.drop();
await server.stop();

/** Stops the worker (SIGKILL every third time, else SIGTERM) and starts its successor. */
async function restart(worker: SoakWorker): Promise<SoakWorker> {
  generation++;
  if (generation % 3 === 0) await worker.kill();
  else await worker.terminate();
  return SoakWorker.start(db.url, `restarted-${generation}`);
}

/** Growth between the first and last thirds of the soak (minute 1 is warm-up). */
function summary(all: readonly Sample[]): string {
  const body = all.slice(1);
  const third = Math.max(1, Math.floor(body.length / 3));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
  const early = body.slice(0, third);
  const late = body.slice(-third);
  const compare = (name: string, pick: (s: Sample) => number | undefined) => {
    const a = median(early.map(pick).filter((x): x is number => x !== undefined));
    const b = median(late.map(pick).filter((x): x is number => x !== undefined));
    return `${name} ${a.toFixed(1)} -> ${b.toFixed(1)} (${b >= a ? "+" : ""}${(((b - a) / a) * 100).toFixed(0)}%)`;
  };
  return `soak summary, median of the first vs the last third of minutes 2..${all.length}: ${[
    compare("runs/s", (s) => s.runsPerSecond),
    compare("step p50 ms", (s) => s.stepP50),
    compare("step p99 ms", (s) => s.stepP99),
    compare("steady worker MiB", (s) => s.steadyRss),
    compare("mariadbd MiB", (s) => s.serverRss),
  ].join("; ")}`;
}
