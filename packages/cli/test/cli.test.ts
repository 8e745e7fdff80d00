import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../src/index.js";

const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const TMP = path.join(PACKAGE_ROOT, "test", ".tmp");
const FIXTURE = path.resolve(PACKAGE_ROOT, "..", "codegen", "fixtures", "one-workflow");

afterAll(() => rmSync(TMP, { recursive: true, force: true }));

async function run(argv: string[], cwd: string): Promise<{ code: number; err: string }> {
  const lines: string[] = [];
  const code = await main(argv, { cwd, err: (line) => lines.push(line) });
  return { code, err: lines.join("\n") };
}

function freshCopy(name: string): string {
  const dir = path.join(TMP, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

describe("replaygen", () => {
  it("--check exits 0 when the generated file is fresh", async () => {
    const dir = freshCopy("fresh");
    expect((await run(["replay.ts"], dir)).code).toBe(0);
    const result = await run(["--check", "replay.ts"], dir);
    expect(result.code).toBe(0);
    expect(result.err).toContain("1 generated file up to date");
  });

  it("--check exits 1 naming the stale file and the command, and writes nothing", async () => {
    const dir = freshCopy("stale");
    writeFileSync(path.join(dir, "replay_gen.ts"), "// stale\n");
    const result = await run(["--check", "replay.ts"], dir);
    expect(result.code).toBe(1);
    expect(result.err).toContain("replay_gen.ts is outdated; run: npx replaygen replay.ts");
    expect(readFileSync(path.join(dir, "replay_gen.ts"), "utf8")).toBe("// stale\n");
  });

  it("--check exits 1 when the generated file is missing", async () => {
    const dir = freshCopy("missing");
    rmSync(path.join(dir, "replay_gen.ts"));
    const result = await run(["--check", "replay.ts"], dir);
    expect(result.code).toBe(1);
    expect(result.err).toContain("replay_gen.ts is missing; run: npx replaygen replay.ts");
  });

  it("exits 1 with file:line:col for an invalid manifest", async () => {
    const dir = freshCopy("invalid");
    const source = readFileSync(path.join(dir, "replay.ts"), "utf8").replace('description: "Says hello once."', "");
    writeFileSync(path.join(dir, "replay.ts"), source);
    const result = await run(["replay.ts"], dir);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^replay\.ts:\d+:\d+: workflow "greet" has no description/m);
    expect(result.err).toContain("replaygen: 1 problem; fix it and run again");
  });

  it("exits 1 and writes nothing for a misspelled option key or type name, each at file:line:col", async () => {
    const dir = freshCopy("typos");
    const source = readFileSync(path.join(dir, "replay.ts"), "utf8")
      .replace('description: "Says hello once."', 'description: "Says hello once.", ouputs: {}')
      .replace("workflow<Greeting, string>", "workflow<Greting, string>");
    writeFileSync(path.join(dir, "replay.ts"), source);
    const lines = source.split("\n");
    const at = (text: string) => {
      const line = lines.findIndex((candidate) => candidate.includes(text));
      return `${line + 1}:${(lines[line] ?? "").indexOf(text) + 1}`;
    };
    const result = await run(["replay.ts"], dir);
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      `replay.ts:${at("ouputs")}: workflow "greet" has no option "ouputs": did you mean "outputs"?`,
    );
    expect(result.err).toContain(
      `replay.ts:${at("Greting")}: cannot find name "Greting" in the input of workflow "greet": did you mean "Greeting"?`,
    );
    expect(readFileSync(path.join(dir, "replay_gen.ts"), "utf8")).toBe(
      readFileSync(path.join(FIXTURE, "replay_gen.ts"), "utf8"),
    );
  });

  it("counts manifests and problems in words, singular and plural", async () => {
    const dir = freshCopy("plural");
    const written = await run(["replay.ts"], dir);
    expect(written.err).toMatch(/replaygen: 1 manifest in \d+ ms/);
    const source = readFileSync(path.join(dir, "replay.ts"), "utf8")
      .replace('description: "Says hello once."', "")
      .replace('name: "hello"', 'name: "a/b"');
    writeFileSync(path.join(dir, "replay.ts"), source);
    const failed = await run(["replay.ts"], dir);
    expect(failed.err).toContain("replaygen: 2 problems; fix them and run again");
    expect(failed.err).not.toContain("(s)");
  });

  it("exits 2 on usage errors and for a missing manifest", async () => {
    expect((await run([], TMP)).code).toBe(2);
    expect((await run(["--nope"], TMP)).code).toBe(2);
    const missing = await run(["nowhere/replay.ts"], PACKAGE_ROOT);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("manifest nowhere/replay.ts does not exist");
  });

  it("init scaffolds src/ with a manifest, activities, a workflow, its test, a worker and start.ts, which then generate cleanly", async () => {
    const app = path.join(TMP, "app");
    rmSync(app, { recursive: true, force: true });
    mkdirSync(app, { recursive: true });
    writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "app", type: "module" }));
    const init = await run(["init"], app);
    expect(init.code).toBe(0);
    const files = [
      "replay.ts",
      "types.ts",
      "activities.ts",
      "workflow.ts",
      "workflow.test.ts",
      "worker.ts",
      "start.ts",
    ];
    for (const name of files) {
      expect(init.err).toContain(`replaygen: created src/${name}`);
    }
    expect(init.err).toContain("npx replaygen src/replay.ts");
    expect(init.err).toContain("npx replaygen --check src/replay.ts");
    expect(init.err).toContain("node dist/start.js Ada");
    expect(init.err).toContain(
      "replaygen: warning: package.json does not list @replaykit/runtime, @replaykit/codegen, vitest: npm install @replaykit/runtime mysql2 and npm install --save-dev @replaykit/codegen vitest",
    );
    expect(init.err).not.toContain('"type": "module"');
    const result = await run(["src/replay.ts"], app);
    expect(result.err).toContain("wrote src/replay_gen.ts");
    expect(result.code).toBe(0);
    const generated = readFileSync(path.join(app, "src", "replay_gen.ts"), "utf8");
    expect(generated).toContain("export function mockGreetFlow<M>(");
    expect(generated).toContain("export function startHelloLoops(");
    const worker = readFileSync(path.join(app, "src", "worker.ts"), "utf8");
    expect(worker).toContain("await client.migrate();");
    expect(worker).toContain('process.once("SIGTERM"');
    const start = readFileSync(path.join(app, "src", "start.ts"), "utf8");
    expect(start).toContain("await runGreet(client, runId,");
    expect(start).toContain("await awaitGreetResult(client, runId,");
  });

  it("says what the file system refused, with exit 2 and no stack trace: init into a file, a replay_gen.ts that is a folder", async () => {
    const dir = freshCopy("refused");
    writeFileSync(path.join(dir, "notes"), "a file, not a folder\n");
    const init = await run(["init", "notes"], dir);
    expect(init.code).toBe(2);
    expect(init.err).toMatch(
      /^replaygen: init cannot write to notes: EEXIST: file already exists, mkdir .*; name a folder that is not a file/,
    );
    rmSync(path.join(dir, "replay_gen.ts"), { force: true });
    mkdirSync(path.join(dir, "replay_gen.ts"));
    const generate = await run(["replay.ts"], dir);
    expect(generate.code).toBe(2);
    expect(generate.err).toMatch(/^replaygen: the file system refused: EISDIR: illegal operation on a directory/);
    for (const output of [init.err, generate.err]) expect(output).not.toMatch(/^\s+at /m);
  });

  it("init warns when the package is not an ES module", async () => {
    const app = path.join(TMP, "commonjs-app");
    rmSync(app, { recursive: true, force: true });
    mkdirSync(app, { recursive: true });
    writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "app" }));
    const init = await run(["init", "workflows"], app);
    expect(init.code).toBe(0);
    expect(init.err).toContain('replaygen: warning: package.json has no "type": "module"');
    expect(init.err).toContain("npx replaygen workflows/replay.ts");
  });

  it("init refuses to overwrite, naming the files that exist, and writes nothing", async () => {
    const dir = path.join(TMP, "existing");
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(path.join(dir, "src"), { recursive: true });
    writeFileSync(path.join(dir, "src", "replay.ts"), "// mine\n");
    const result = await run(["init"], dir);
    expect(result.code).toBe(2);
    expect(result.err).toContain("replaygen: init writes nothing, because src/replay.ts already exists");
    expect(readFileSync(path.join(dir, "src", "replay.ts"), "utf8")).toBe("// mine\n");
    expect(existsSync(path.join(dir, "src", "worker.ts"))).toBe(false);
  });
});
