#!/usr/bin/env node
// The README's test command: lint and format check, the layering rules, replaygen --check of the examples, then
// every package's typecheck and tests through turbo (generate -> build -> test), then one closing line that sums the
// vitest results of every package: "N passed, M failed".
import { spawn } from "node:child_process";
import { stripVTControlCharacters } from "node:util";

function run(command, args, onLine) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], env: process.env });
    const pipe = (stream, out) => {
      let buffered = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk) => {
        out.write(chunk);
        buffered += chunk;
        const lines = buffered.split("\n");
        buffered = lines.pop() ?? "";
        for (const line of lines) onLine(stripVTControlCharacters(line));
      });
    };
    pipe(child.stdout, process.stdout);
    pipe(child.stderr, process.stderr);
    child.on("close", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const count = (line) => {
  // vitest: "      Tests  3 failed | 117 passed | 2 skipped (122)"
  const match = /\bTests\s+(.*)\(\d+\)\s*$/.exec(line);
  if (!match) return;
  for (const part of match[1].split("|")) {
    const item = /(\d+)\s+(passed|failed|skipped)/.exec(part);
    if (item) totals[item[2]] += Number(item[1]);
  }
};

process.stdout.write("test: biome check (lint and format)\n");
const lint = await run("npx", ["biome", "check", "."], () => {});
if (lint !== 0) {
  process.stdout.write("test: biome found problems; run `npx biome check --write .` and commit the result\n");
  process.exit(lint);
}
process.stdout.write("test: layering rules (scripts/check-layers.mjs)\n");
const layers = await run(process.execPath, ["scripts/check-layers.mjs"], () => {});
if (layers !== 0) {
  process.stdout.write(
    "test: an import breaks a layering rule (lines above: file:line: rule: what to do); fix it, then run `npm run lint`\n",
  );
  process.exit(layers);
}
// Before turbo's generate tasks rewrite them: the committed replay_gen.ts files must be fresh,
// as `replaygen --check` in an app's CI checks (the README's "Use replaykit in your app").
process.stdout.write("test: replaygen --check of the examples (committed generated files are fresh)\n");
const tools = await run(
  "npx",
  ["turbo", "run", "build", "--filter=@replaykit/cli...", "--output-logs=errors-only"],
  () => {},
);
if (tools !== 0) process.exit(tools);
for (const example of ["examples/shop", "examples/greeting", "examples/agent"]) {
  const check = await run("npx", ["replaygen", "--check", `${example}/src/replay.ts`], () => {});
  if (check !== 0) {
    process.stdout.write(
      `test: ${example}/src/replay_gen.ts is stale; run \`npm run generate\` and commit the result\n`,
    );
    process.exit(check);
  }
}
process.stdout.write("test: turbo run typecheck test (generate -> build -> test)\n");
const code = await run("npx", ["turbo", "run", "typecheck", "test", "--concurrency=1"], count);
const skipped = totals.skipped > 0 ? `, ${totals.skipped} skipped` : "";
process.stdout.write(`\n${totals.passed} passed, ${totals.failed} failed${skipped}\n`);
process.exit(code !== 0 ? code : totals.failed > 0 ? 1 : 0);
