import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

  it("init scaffolds a folder that then generates cleanly", async () => {
    mkdirSync(TMP, { recursive: true });
    expect((await run(["init", "scaffold"], TMP)).code).toBe(0);
    const result = await run(["scaffold/replay.ts"], TMP);
    expect(result.err).toContain("wrote scaffold/replay_gen.ts");
    expect(result.code).toBe(0);
    expect(readFileSync(path.join(TMP, "scaffold", "replay_gen.ts"), "utf8")).toContain("export interface HelloFlow");
  });

  it("init refuses a non-empty folder", async () => {
    const dir = freshCopy("non-empty");
    const result = await run(["init", "."], dir);
    expect(result.code).toBe(2);
    expect(result.err).toContain("is not empty");
  });
});
