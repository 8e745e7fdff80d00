#!/usr/bin/env node
// Times the built `replaygen` binary on a copy of one fixture (default: the largest), each run a
// new process doing `replaygen --check replay.ts`, except watch:
//   cold       no replaygen cache on disk (node_modules/.cache/replaygen removed): a first run
//   changed    after a one-line edit of an imported file, the caches of earlier runs present
//   unchanged  nothing changed since the last run: the result comes from the cache
//   watch      `replaygen --watch`: from a one-line edit of an imported file to the "unchanged"
//              line for the regenerated file (fs.watch and the 50 ms debounce included)
// Usage: npm run bench -w @replaykit/cli -- [--runs 7] [--fixture zod-schemas]
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const CLI_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CODEGEN_ROOT = path.resolve(CLI_ROOT, "..", "codegen");
const BIN = path.join(CLI_ROOT, "bin", "replaygen.js");
const { defaultCacheDir } = await import("../dist/replaygen/cache-dir.js").catch(() => ({
  defaultCacheDir: () => undefined,
}));
const CACHE_DIR = defaultCacheDir(path.join(CLI_ROOT, "dist"));

const { values } = parseArgs({
  options: { runs: { type: "string", default: "7" }, fixture: { type: "string", default: "zod-schemas" } },
});
const runs = Number(values.runs);
const fixture = values.fixture;
const manifest = path.join("fixtures", fixture, "replay.ts");

if (
  !existsSync(path.join(CLI_ROOT, "dist", "replaygen", "bin.js")) ||
  !existsSync(path.join(CODEGEN_ROOT, "dist", "index.js"))
) {
  console.error("bench: the CLI is not built; run `npx turbo run build` first");
  process.exit(2);
}
if (!existsSync(path.join(CODEGEN_ROOT, manifest))) {
  console.error(`bench: no fixture ${fixture} in packages/codegen/fixtures`);
  process.exit(2);
}

/** Wall time of one `replaygen --check` process in `dir`, in ms. */
function timeCheck(dir) {
  const started = performance.now();
  const result = spawnSync(process.execPath, [BIN, "--check", "replay.ts"], { cwd: dir, encoding: "utf8" });
  const elapsed = performance.now() - started;
  if (result.status !== 0) throw new Error(`replaygen --check failed (${result.status}):\n${result.stderr}`);
  return elapsed;
}

function summary(label, samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const format = (ms) => `${Math.round(ms)} ms`.padStart(8);
  return `${label.padEnd(10)} median ${format(median)}   min ${format(sorted[0])}   max ${format(sorted.at(-1))}   (${sorted.length} runs)`;
}

/** Adds one line to the fixture's imported file: a change that leaves the generated file as it is. */
function editOnce(file, original, run) {
  writeFileSync(file, `${original}\nexport type BenchEdit${run} = { readonly n: ${run} };\n`);
}

function benchCold(dir) {
  return Array.from({ length: runs }, () => {
    if (CACHE_DIR !== undefined) rmSync(CACHE_DIR, { recursive: true, force: true });
    return timeCheck(dir);
  });
}

function benchChanged(dir, file, original) {
  timeCheck(dir);
  return Array.from({ length: runs }, (_, run) => {
    editOnce(file, original, run);
    return timeCheck(dir);
  });
}

function benchUnchanged(dir) {
  timeCheck(dir);
  return Array.from({ length: runs }, () => timeCheck(dir));
}

/** Starts `replaygen --watch` on a copy of the fixture; resolves each "wrote" line as it comes. */
function startWatch(dir) {
  const child = spawn(process.execPath, [BIN, "--watch", "replay.ts"], {
    cwd: dir,
    stdio: ["ignore", "ignore", "pipe"],
  });
  const waiting = [];
  let buffered = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk) => {
    buffered += chunk;
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) {
      if (/replaygen: (wrote|unchanged) /.test(line)) waiting.shift()?.(performance.now());
      else if (/problem|error/.test(line)) console.error(`bench: replaygen --watch said: ${line}`);
    }
  });
  const next = () => new Promise((resolve) => waiting.push(resolve));
  return { child, next };
}

/** The file the watch edits: the first imported file of the fixture, else the manifest itself. */
function editedFile(dir) {
  for (const name of ["schemas.ts", "types.ts", "activities.ts"]) {
    if (existsSync(path.join(dir, name))) return path.join(dir, name);
  }
  return path.join(dir, "replay.ts");
}

async function benchWatch(dir, file, original) {
  const { child, next } = startWatch(dir);
  try {
    await next();
    const samples = [];
    for (let run = 0; run <= runs; run++) {
      // The first round only warms the watcher up and is not counted.
      await new Promise((resolve) => setTimeout(resolve, 100));
      const done = next();
      const started = performance.now();
      editOnce(file, original, run + runs);
      const ended = await done;
      if (run > 0) samples.push(ended - started);
    }
    return samples;
  } finally {
    child.kill("SIGINT");
  }
}

const dir = path.join(CODEGEN_ROOT, "test", ".tmp", `bench-${process.pid}`);
cpSync(path.join(CODEGEN_ROOT, "fixtures", fixture), dir, { recursive: true });
const file = editedFile(dir);
const original = readFileSync(file, "utf8");
// The copy's header names its own path: generate it there once, so --check finds it fresh.
spawnSync(process.execPath, [BIN, "replay.ts"], { cwd: dir, encoding: "utf8" });
try {
  console.log(`bench: replaygen --check on a copy of packages/codegen/${manifest}, node ${process.version}`);
  console.log(summary("cold", benchCold(dir)));
  console.log(summary("changed", benchChanged(dir, file, original)));
  console.log(summary("unchanged", benchUnchanged(dir)));
  console.log(summary("watch", await benchWatch(dir, file, original)));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
