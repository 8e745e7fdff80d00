// The three packages as an app outside the workspace gets them: packed, installed from their
// tarballs into a fresh folder with a strict tsconfig, then used as docs/your-app.md ("Use
// replaykit in your app") says: replaygen init, generate, tsc, the unit test, start.ts and the
// worker running a workflow against a real MariaDB (the one of global-setup.ts), stopped by
// SIGTERM; then the page's zod signup (the files of consumer-app/, which the page quotes), with
// its createTestEnv tests: create, start a worker, advance, assert, close; schedules off unless asked.
import { type ChildProcess, spawn } from "node:child_process";
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { stripVTControlCharacters } from "node:util";
import { createScratchDatabase, type ScratchDatabase } from "@replaykit/runtime/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

const PACKAGES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
/** The files of the page's zod signup, which this test copies into the app's src/. */
const CONSUMER_APP = path.join(PACKAGES, "cli", "test", "consumer-app");
const REPO_ROOT = path.resolve(PACKAGES, "..");
const ROOT = mkdtempSync(path.join(tmpdir(), "replaykit-consumer-"));
const APP = path.join(ROOT, "app");

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment of a command run in the app: without the npm_* variables of the `npm test`
 * that runs this, which would point npm at the workspace.
 */
function appEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.toLowerCase().startsWith("npm_") && key !== "NODE_OPTIONS" && key !== "VITEST") env[key] = value;
  }
  return { ...env, ...extra };
}

function run(command: string, args: readonly string[], cwd = APP, extra: Record<string, string> = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: appEnv(extra), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({ code, stdout: stripVTControlCharacters(stdout), stderr: stripVTControlCharacters(stderr) }),
    );
  });
}

/** Runs a command that must succeed; a failure shows what it printed. */
async function ok(command: string, args: readonly string[], cwd = APP): Promise<Ran> {
  const result = await run(command, args, cwd);
  expect(result.code, `${command} ${args.join(" ")}\n${result.stdout}\n${result.stderr}`).toBe(0);
  return result;
}

const manifestOf = (dir: string) => JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
const workspace = manifestOf(REPO_ROOT);
const runtime = manifestOf(path.join(PACKAGES, "runtime"));
const codegen = manifestOf(path.join(PACKAGES, "codegen"));

/** The strict settings the issue names; skipLibCheck stays at its default, false, so the packages' types are checked too. */
const TSCONFIG = {
  compilerOptions: {
    target: "ES2023",
    lib: ["ES2023"],
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    verbatimModuleSyntax: true,
    types: ["node"],
    rootDir: "src",
    outDir: "dist",
  },
  include: ["src"],
};

let tarballs: Record<string, string> = {};
let db: ScratchDatabase | undefined;
let worker: ChildProcess | undefined;

beforeAll(async () => {
  const packs = path.join(ROOT, "packs");
  mkdirSync(packs);
  for (const name of ["runtime", "codegen", "cli"]) {
    await ok("npm", ["pack", "--pack-destination", packs, "--silent"], path.join(PACKAGES, name));
  }
  tarballs = Object.fromEntries(readdirSync(packs).map((file) => [file.replace(/-\d.*$/, ""), path.join(packs, file)]));
  mkdirSync(APP);
  writeFileSync(
    path.join(APP, "package.json"),
    `${JSON.stringify({ name: "consumer-app", version: "1.0.0", private: true, type: "module" }, null, 2)}\n`,
  );
  writeFileSync(path.join(APP, "tsconfig.json"), `${JSON.stringify(TSCONFIG, null, 2)}\n`);
  const install = ["install", "--prefer-offline", "--no-audit", "--no-fund"];
  await ok("npm", [...install, requireTarball("replaykit-runtime"), `mysql2@${runtime.devDependencies.mysql2}`]);
  await ok("npm", [
    ...install,
    "--save-dev",
    requireTarball("replaykit-codegen"),
    requireTarball("replaykit-cli"),
    `typescript@${workspace.devDependencies.typescript}`,
    `vitest@${workspace.devDependencies.vitest}`,
    `@types/node@${workspace.devDependencies["@types/node"]}`,
  ]);
}, 240_000);

afterAll(async () => {
  if (worker !== undefined && worker.exitCode === null) worker.kill("SIGKILL");
  await db?.drop();
  rmSync(ROOT, { recursive: true, force: true });
});

function requireTarball(name: string): string {
  const file = tarballs[name];
  if (file === undefined)
    throw new Error(`npm pack made no ${name} tarball; it made ${Object.keys(tarballs).join(", ")}`);
  return file;
}

describe("an app outside the workspace, with the packed packages", () => {
  it("installs the tools as dev dependencies and the runtime as a dependency, without @opentelemetry", () => {
    const app = manifestOf(APP);
    expect(Object.keys(app.dependencies).sort()).toEqual(["@replaykit/runtime", "mysql2"]);
    expect(Object.keys(app.devDependencies)).toEqual(expect.arrayContaining(["@replaykit/cli", "@replaykit/codegen"]));
    expect(existsSync(path.join(APP, "node_modules", "@opentelemetry", "api"))).toBe(false);
  });

  it("ships every source file its source maps name", () => {
    const missing: string[] = [];
    let maps = 0;
    for (const name of ["runtime", "codegen", "cli"]) {
      const dist = path.join(APP, "node_modules", "@replaykit", name, "dist");
      for (const file of readdirSync(dist, { recursive: true, encoding: "utf8" })) {
        if (!file.endsWith(".map")) continue;
        maps++;
        const map = JSON.parse(readFileSync(path.join(dist, file), "utf8")) as { sources: string[] };
        for (const source of map.sources) {
          const resolved = path.resolve(path.dirname(path.join(dist, file)), source);
          if (!existsSync(resolved)) missing.push(`${name}/dist/${file} -> ${source}`);
        }
      }
    }
    expect(maps).toBeGreaterThan(100);
    expect(missing).toEqual([]);
  });

  it("runs replaygen init, generates, type-checks strictly, and passes the scaffolded unit test", async () => {
    const help = await ok("npx", ["replaygen", "--help"]);
    expect(help.stdout).toContain("Usage: replaygen");
    const init = await ok("npx", ["replaygen", "init"]);
    expect(init.stderr).toContain("replaygen: created src/worker.ts");
    expect(init.stderr).toContain("replaygen: created src/start.ts");
    expect(init.stderr).not.toContain("warning");
    await ok("npx", ["replaygen", "src/replay.ts"]);
    await ok("npx", ["replaygen", "--check", "src/replay.ts"]);
    await ok("npx", ["tsc"]);
    const test = await ok("npx", ["vitest", "run", "--dir", "src"]);
    expect(test.stdout).toMatch(/Tests\s+1 passed/);
  });

  it("runs a workflow end to end: the worker migrates and starts, a client runs greet, SIGTERM stops the worker", async () => {
    db = await createScratchDatabase(inject("mysqlUrl"), "consumer");
    const started = startWorker(db.url);
    worker = started.child;
    await started.running;
    writeFileSync(
      path.join(APP, "greet-once.mjs"),
      `import { createClient } from "@replaykit/runtime";
import { awaitGreetResult, runGreet } from "./dist/replay_gen.js";
const client = createClient({ uri: process.env.REPLAY_MYSQL_URL });
await runGreet(client, "ada", { name: "Ada" });
console.log(JSON.stringify(await awaitGreetResult(client, "ada", { timeout: "30s" })));
await client.close();
`,
    );
    const client = await run("node", ["greet-once.mjs"], APP, { REPLAY_MYSQL_URL: db.url });
    expect(client.code, client.stderr).toBe(0);
    const result = JSON.parse(client.stdout) as { text: string; greetedAt: string };
    expect(result.text).toBe("Hello, Ada!");
    expect(Number.isNaN(Date.parse(result.greetedAt))).toBe(false);
    const exited = new Promise<number | null>((resolve) => started.child.once("exit", (code) => resolve(code)));
    started.child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(started.output()).toContain("worker: SIGTERM: finishing the work in hand, then stopping");
    expect(started.output()).toContain("worker: stopped");
  });

  it("runs the start.ts that init wrote: one greet run, end to end, in one command", async () => {
    if (db === undefined) db = await createScratchDatabase(inject("mysqlUrl"), "consumer");
    const started = await run("node", ["dist/start.js", "Grace"], APP, { REPLAY_MYSQL_URL: db.url });
    expect(started.code, started.stderr).toBe(0);
    const [line, json] = started.stdout.trimEnd().split("\n");
    expect(line).toMatch(/^start: run greet-[0-9a-f-]{36} started; see it with: npx replaykit runs show greet greet-/);
    expect(JSON.parse(json ?? "")).toMatchObject({ text: "Hello, Grace!" });
  });

  it("builds the page's zod signup: zod installed, generated, strictly type-checked, its createTestEnv tests pass", async () => {
    await ok("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", `zod@${codegen.devDependencies.zod}`]);
    expect(Object.keys(manifestOf(APP).dependencies)).toContain("zod");
    cpSync(path.join(CONSUMER_APP, "src"), path.join(APP, "src"), { recursive: true });
    await ok("npx", ["replaygen", "src/signup/replay.ts"]);
    await ok("npx", ["tsc"]);
    const test = await ok("npx", ["vitest", "run", "--dir", "src"]);
    // The greet unit test, and the signup's four: verified, expired after 24 hours, refused by zod, and the cleanup.
    expect(test.stdout).toMatch(/Tests\s+5 passed/);
    // The environment without `schedules: true` says why the nightly cleanup started no run.
    expect(`${test.stdout}${test.stderr}`).toContain(
      'schedule "nightlyCleanup" came due at 2030-01-01T03:00:00.000Z and started no run: in a test environment schedules fire only with createTestEnv({ schedules: true })',
    );
  });

  it("warns when the manifest changed after generation, and --check fails naming the fix", async () => {
    appendFileSync(path.join(APP, "src", "replay.ts"), "// edited after generating\n");
    const test = await ok("npx", ["vitest", "run", "--dir", "src"]);
    expect(`${test.stdout}${test.stderr}`).toContain(
      "the generated file beside src/replay.ts is stale: the manifest changed after it was generated",
    );
    const check = await run("npx", ["replaygen", "--check", "src/replay.ts"]);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain("npx replaygen src/replay.ts");
  });
});

/** `node dist/worker.js`, with a promise that resolves once it says it runs (or rejects when it exits first). */
function startWorker(url: string): { child: ChildProcess; running: Promise<void>; output: () => string } {
  const child = spawn("node", ["dist/worker.js"], {
    cwd: APP,
    env: appEnv({ REPLAY_MYSQL_URL: url }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const running = new Promise<void>((resolve, reject) => {
    const onData = (chunk: string) => {
      output += chunk;
      if (output.includes("worker: running namespace hello")) resolve();
    };
    child.stdout.setEncoding("utf8").on("data", onData);
    child.stderr.setEncoding("utf8").on("data", onData);
    child.once("exit", (code) => reject(new Error(`the worker exited with ${code} before it ran:\n${output}`)));
  });
  return { child, running, output: () => output };
}
