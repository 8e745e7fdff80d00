#!/usr/bin/env node
// `npm run chaos`: the runtime's chaos tests at full size against one MariaDB (workers and the
// database SIGKILLed). `npm run chaos -- --galera`: the Galera chaos test at full size instead
// (5,000 runs on a 3-node cluster, two nodes SIGKILLed and restarted). Builds first.
import { spawn } from "node:child_process";

const args = process.argv.slice(2);
const unknown = args.filter((arg) => arg !== "--galera");
if (unknown.length > 0) {
  process.stderr.write(`chaos: unknown argument ${unknown.join(" ")}; usage: npm run chaos [-- --galera]\n`);
  process.exit(2);
}
const galera = args.includes("--galera");

function run(command, commandArgs, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, commandArgs, { stdio: "inherit", ...options });
    child.on("close", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

process.stdout.write("chaos: building\n");
const built = await run("npx", ["turbo", "run", "build", "--output-logs=errors-only"]);
if (built !== 0) process.exit(built);
const files = galera ? ["test/galera/chaos.test.ts"] : ["test/chaos"];
process.stdout.write(
  `chaos: full size, ${galera ? "on a 3-node Galera cluster" : "on one MariaDB"} (${files.join(" ")})\n`,
);
const code = await run("npx", ["vitest", "run", ...files], {
  cwd: "packages/runtime",
  env: { ...process.env, CHAOS_SIZE: "full" },
});
process.exit(code);
