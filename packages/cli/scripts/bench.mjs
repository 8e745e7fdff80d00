#!/usr/bin/env node
// Times the built `replaygen` binary on one manifest (default: the largest codegen fixture):
//   cold   a new process with no replaygen cache on disk: `replaygen --check <manifest>`
//   warm   a new process again, after a run left its cache behind
//   watch  `replaygen --watch` on a copy of the fixture: from a one-line edit of an imported
//          file to the "wrote" line for the regenerated file (fs.watch and the debounce included)
// Usage: npm run bench -w @replaykit/cli -- [--runs 7] [--fixture zod-schemas]
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const CLI_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CODEGEN_ROOT = path.resolve(CLI_ROOT, "..", "codegen");
const BIN = path.join(CLI_ROOT, "bin", "replaygen.js");
const CACHE_DIR = path.resolve(CLI_ROOT, "..", "..", "node_modules", ".cache", "replaygen");

const { values } = parseArgs({
  options: { runs: { type: "string", default: "7" }, fixture: { type: "string", default: "zod-schemas" } },
});
const runs = Number(values.runs);
const fixture = values.fixture;
const manifest = path.join("fixtures", fixture, "replay.ts");

if (!existsSync(path.join(CLI_ROOT, "dist", "bin.js")) || !existsSync(path.join(CODEGEN_ROOT, "dist", "index.js"))) {
  console.error("bench: the CLI is not built; run `npx turbo run build` first");
  process.exit(2);
}
if (!existsSync(path.join(CODEGEN_ROOT, manifest))) {
  console.error(`bench: no fixture ${fixture} in packages/codegen/fixtures`);
  process.exit(2);
}

/** Wall time of one `replaygen --check` process, in ms. */
function timeCheck() {
  const started = performance.now();
  const result = spawnSync(process.execPath, [BIN, "--check", manifest], { cwd: CODEGEN_ROOT, encoding: "utf8" });
  const elapsed = performance.now() - started;
  if (result.status !== 0) throw new Error(`replaygen --check failed (${result.status}):\n${result.stderr}`);
  return elapsed;
}

function summary(label, samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const format = (ms) => `${Math.round(ms)} ms`.padStart(8);
  return `${label.padEnd(7)} median ${format(median)}   min ${format(sorted[0])}   max ${format(sorted.at(-1))}   (${sorted.length} runs)`;
}

function benchCold() {
  return Array.from({ length: runs }, () => {
    rmSync(CACHE_DIR, { recursive: true, force: true });
    return timeCheck();
  });
}

function benchWarm() {
  timeCheck();
  return Array.from({ length: runs }, () => timeCheck());
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

async function benchWatch() {
  const dir = path.join(CODEGEN_ROOT, "test", ".tmp", `bench-watch-${process.pid}`);
  cpSync(path.join(CODEGEN_ROOT, "fixtures", fixture), dir, { recursive: true });
  const file = editedFile(dir);
  const original = readFileSync(file, "utf8");
  const { child, next } = startWatch(dir);
  try {
    await next();
    const samples = [];
    for (let run = 0; run <= runs; run++) {
      // One added line; the first round only warms the watcher up and is not counted.
      await new Promise((resolve) => setTimeout(resolve, 100));
      const done = next();
      const started = performance.now();
      writeFileSync(file, `${original}\nexport type BenchEdit${run} = { readonly n: ${run} };\n`);
      const ended = await done;
      if (run > 0) samples.push(ended - started);
    }
    return samples;
  } finally {
    child.kill("SIGINT");
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`bench: replaygen on packages/codegen/${manifest}, node ${process.version}`);
console.log(summary("cold", benchCold()));
console.log(summary("warm", benchWarm()));
console.log(summary("watch", await benchWatch()));
