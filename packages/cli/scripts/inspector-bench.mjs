#!/usr/bin/env node
// How long the inspector's runs page takes with many runs in the table:
//   npm run bench:inspector -w @replaykit/cli [-- --runs 100000]
// Starts a throwaway MariaDB (or uses REPLAY_MYSQL_URL), fills a scratch database with runs
// as createRun writes them (one multi-row INSERT per 2,000 runs, statuses and times spread like
// a month of traffic), serves the inspector in this process, and times pages: the full HTTP
// response (server render included) and, when /usr/bin/chromium exists, the browser's load event.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createClient } from "@replaykit/runtime";
import { createScratchDatabase, startMariaDb } from "@replaykit/runtime/testing";
import { startInspector } from "../dist/inspector/index.js";

const say = (message) => process.stderr.write(`inspector bench: ${message}\n`);
const runsFlag = process.argv.indexOf("--runs");
const RUNS = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 100_000;
const ROUNDS = 15;
const WORKFLOWS = ["order", "refund", "invoice", "followUp", "nightly"];
const STATUSES = [
  ["completed", 0.8],
  ["running", 0.1],
  ["failed", 0.05],
  ["cancelled", 0.03],
  ["stuck", 0.02],
];

function statusOf(i) {
  let x = ((i * 7919) % 10_000) / 10_000;
  for (const [status, share] of STATUSES) {
    if (x < share) return status;
    x -= share;
  }
  return "completed";
}

async function fill(pool, now) {
  const month = 30 * 86_400_000;
  for (let start = 0; start < RUNS; start += 2000) {
    const runs = [];
    const events = [];
    for (let i = start; i < Math.min(RUNS, start + 2000); i++) {
      const created = now - month + Math.floor((i / RUNS) * month);
      const workflow = WORKFLOWS[i % WORKFLOWS.length];
      const runId = `run-${String(i).padStart(7, "0")}`;
      const status = statusOf(i);
      const ended = status !== "running";
      const input = JSON.stringify({ orderId: runId, cents: i % 10_000 });
      runs.push([
        "bench",
        workflow,
        runId,
        0,
        status,
        i % 1024,
        ended ? 3 : 1,
        ended ? null : created,
        input,
        status === "completed" ? '{"ok":true}' : null,
        created,
        ended ? created + 1500 : created,
      ]);
      events.push(["bench", workflow, runId, 0, 0, "created", "", 0, input, created]);
    }
    await pool.query(
      "INSERT INTO replay_runs (namespace, workflow, run_id, iteration, status, shard, version, wake_at, input, result, created_at, updated_at) VALUES ?",
      [runs],
    );
    await pool.query(
      "INSERT INTO replay_events (namespace, workflow, run_id, iteration, pos, type, target, seq, payload, created_at) VALUES ?",
      [events],
    );
  }
  await pool.query("ANALYZE TABLE replay_runs, replay_events");
}

async function timeHttp(url) {
  const times = [];
  for (let round = 0; round < ROUNDS + 3; round++) {
    const started = performance.now();
    const response = await fetch(url);
    const body = await response.text();
    if (!response.ok) throw new Error(`GET ${url} answered ${response.status}: ${body.slice(0, 200)}`);
    if (round >= 3) times.push(performance.now() - started);
  }
  return summary(times);
}

async function timeBrowser(pages) {
  if (!existsSync("/usr/bin/chromium")) return undefined;
  const { chromium } = await import("playwright-core");
  const profile = mkdtempSync(path.join(tmpdir(), "replaykit-bench-"));
  const args = [
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    ...(process.getuid?.() === 0 ? ["--no-sandbox"] : []),
  ];
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args,
  });
  try {
    const page = await context.newPage();
    const results = {};
    for (const [name, url] of pages) {
      const times = [];
      for (let round = 0; round < ROUNDS + 2; round++) {
        const started = performance.now();
        await page.goto(url, { waitUntil: "load" });
        if (round >= 2) times.push(performance.now() - started);
      }
      results[name] = summary(times);
    }
    return results;
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

/** purgeRuns of the runs that ended in the first half of the month, round by round (500 runs a round). */
async function timePurge(client) {
  const rounds = [];
  let last = performance.now();
  const started = last;
  const purged = await client.purgeRuns("bench", {
    endedBefore: new Date(client.clock.now() - 15 * 86_400_000),
    onProgress: () => {
      const now = performance.now();
      rounds.push(now - last);
      last = now;
    },
  });
  const total = performance.now() - started;
  const { p50 } = summary(rounds);
  const longest = Math.max(...rounds);
  process.stdout.write(
    `\npurgeRuns: ${purged.toLocaleString("en")} runs in ${(total / 1000).toFixed(1)} s, ${rounds.length} rounds of up to 500 runs (transactions of at most 100 runs and 5,000 events); round p50 ${ms(p50)}, longest ${ms(longest)}\n`,
  );
}

function summary(times) {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50: at(0.5), p95: at(0.95) };
}

const ms = (value) => (value === undefined ? "-" : `${value.toFixed(1)} ms`);

say(process.env.REPLAY_MYSQL_URL ? "using the server in REPLAY_MYSQL_URL" : "starting a throwaway MariaDB");
const server = await startMariaDb();
const db = await createScratchDatabase(server.url, "inspector_bench");
const client = createClient({ pool: db.pool });
let inspector;
try {
  await client.migrate();
  await client.ready();
  say(`filling ${db.name} with ${RUNS.toLocaleString("en")} runs`);
  const filling = performance.now();
  await fill(db.pool, client.clock.now());
  say(`filled in ${((performance.now() - filling) / 1000).toFixed(1)} s; timing ${ROUNDS} requests per page`);
  inspector = await startInspector({ client, port: 0, namespace: "bench" });
  const deep = (await client.listRuns({ namespace: "bench", order: "desc", limit: 1000 })).nextCursor;
  const pages = [
    ["runs page, no filter (newest 50, counts)", `${inspector.url}?ns=bench`],
    ["runs page, status stuck", `${inspector.url}?ns=bench&status=stuck`],
    ["runs page, one workflow, completed", `${inspector.url}?ns=bench&workflow=refund&status=completed`],
    ["runs page, run id prefix", `${inspector.url}?ns=bench&prefix=run-00420`],
    ["runs page, after 1,000 runs (cursor)", `${inspector.url}?ns=bench&cursor=${deep}`],
    ["a run's page", `${inspector.url}run?ns=bench&wf=order&id=run-0050000`],
  ];
  const http = [];
  for (const [name, url] of pages) http.push([name, await timeHttp(url)]);
  const browser = await timeBrowser(pages.slice(0, 1));
  process.stdout.write(
    `\n${RUNS.toLocaleString("en")} runs in the table; HTTP: full response; median (p95) of ${ROUNDS}\n\n`,
  );
  process.stdout.write("| page | HTTP p50 | HTTP p95 |\n| --- | --: | --: |\n");
  for (const [name, t] of http) process.stdout.write(`| ${name} | ${ms(t.p50)} | ${ms(t.p95)} |\n`);
  if (browser) {
    for (const [name, t] of Object.entries(browser)) {
      process.stdout.write(`\nChromium, ${name}: navigation to load event p50 ${ms(t.p50)}, p95 ${ms(t.p95)}\n`);
    }
  }
  await timePurge(client);
} finally {
  await inspector?.close();
  await client.close();
  await db.drop();
  await server.stop();
}
