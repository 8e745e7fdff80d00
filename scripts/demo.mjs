#!/usr/bin/env node
// `npm run demo`: works on a fresh clone. Installs what is missing (saying so), builds
// (turbo runs replaygen through the generate task), then runs the shop demo and the agent demo.
// Plain ESM with no dependencies, because node_modules may not exist yet.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const SERVER_BINARIES = ["mariadbd", "mysqld"];
const SEARCH_DIRS = ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin", "/usr/libexec"];
const INSTALL_COMMAND = "sudo apt-get update && sudo apt-get install -y mariadb-server";

const say = (message) => process.stderr.write(`demo: ${message}\n`);

function fail(message) {
  say(message);
  process.exit(1);
}

/** Runs a command in the repository root with inherited output; true when it succeeded. */
function tryRun(command, args, env = process.env) {
  say(`$ ${[command, ...args].join(" ")}`);
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env });
  if (result.error) fail(`could not run ${command}: ${result.error.message}`);
  return result.status === 0;
}

/** Runs a command in the repository root with inherited output; exits on failure. */
function run(command, args, env = process.env) {
  if (!tryRun(command, args, env)) fail(`${command} ${args.join(" ")} failed; see its output above`);
}

function findMariaDbServer() {
  for (const dir of SEARCH_DIRS) {
    for (const name of SERVER_BINARIES) if (existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

function ensureDependencies() {
  if (existsSync(join(root, "node_modules"))) return;
  say("node_modules is missing: installing the locked dependencies with npm ci");
  say("$ npm ci");
  const ci = spawnSync("npm", ["ci"], { cwd: root, stdio: ["inherit", "inherit", "pipe"], encoding: "utf8" });
  if (ci.status === 0) return;
  // npm ci refuses a lock file that lacks other platforms' optional packages; install does not.
  const reason = (ci.stderr ?? "").split("\n").filter((line) => /^npm error \S/.test(line));
  say(`npm ci failed:\n  ${reason.slice(0, 4).join("\n  ") || ci.error?.message}`);
  say("installing with npm install --no-save instead");
  run("npm", ["install", "--no-save"]);
}

function ensureMariaDb() {
  if (process.env.REPLAY_MYSQL_URL) {
    say("REPLAY_MYSQL_URL is set: the demo uses that server and starts none");
    return;
  }
  if (findMariaDbServer()) return;
  const isRoot = process.getuid?.() === 0;
  const hasApt = existsSync("/usr/bin/apt-get");
  if (!isRoot || !hasApt) {
    fail(
      "no MariaDB server binary (mariadbd or mysqld) found, and REPLAY_MYSQL_URL is not set.\n" +
        `  Install MariaDB:     ${INSTALL_COMMAND}\n` +
        "  or use your server:  REPLAY_MYSQL_URL=mysql://user:password@host:3306/ npm run demo",
    );
  }
  say("no MariaDB server binary found and running as root: installing the Debian package mariadb-server");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  run("apt-get", ["update"], env);
  run("apt-get", ["install", "-y", "--no-install-recommends", "mariadb-server"], env);
  if (!findMariaDbServer()) fail(`mariadb-server is installed but no server binary is in ${SEARCH_DIRS.join(", ")}`);
}

/**
 * Runs an example's demo script and resolves to its exit code. Ctrl-C reaches it through the
 * terminal, SIGTERM is passed on.
 */
function runDemo(workspace, args) {
  const extra = args.length > 0 ? ["--", ...args] : [];
  say(`$ npm run demo -w ${workspace} ${extra.join(" ")}`.trimEnd());
  const child = spawn("npm", ["run", "demo", "--silent", "-w", workspace, ...extra], { cwd: root, stdio: "inherit" });
  const forward = () => {
    if (child.exitCode === null) child.kill("SIGTERM");
  };
  process.on("SIGTERM", forward);
  return new Promise((resolve) => {
    child.on("error", (error) => fail(`could not run npm: ${error.message}`));
    child.on("exit", (code, signal) => {
      process.off("SIGTERM", forward);
      resolve(code ?? (signal === "SIGINT" ? 130 : 1));
    });
  });
}

/**
 * The shop demo, then the agent's (an answer streamed, rewound by a retry). With --ui the shop
 * demo keeps the inspector open until Ctrl-C, so the agent's runs first.
 */
async function runDemos(args) {
  process.on("SIGINT", () => {}); // the terminal sends it to the demo too; wait for it to clean up
  const demos = [
    ["@replaykit/example-shop", args],
    ["@replaykit/example-agent", []],
  ];
  if (args.includes("--ui")) demos.reverse();
  for (const [workspace, demoArgs] of demos) {
    const code = await runDemo(workspace, demoArgs);
    if (code !== 0) process.exit(code);
  }
}

// `npm run demo -- --ui` keeps the inspector open on the demo's database afterwards.
const args = process.argv.slice(2);
const unknown = args.filter((arg) => arg !== "--ui");
if (unknown.length > 0) {
  fail(`unknown option ${unknown.join(" ")}: npm run demo takes --ui (keep the inspector open) or nothing`);
}
ensureDependencies();
ensureMariaDb();
say("building: npx turbo run build (the generate task runs replaygen first)");
run("npx", ["turbo", "run", "build", "--output-logs=errors-only"]);
await runDemos(args);
