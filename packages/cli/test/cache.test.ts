import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../src/index.js";

const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const TMP = path.join(PACKAGE_ROOT, "test", ".tmp-cache");
const FIXTURE = path.resolve(PACKAGE_ROOT, "..", "codegen", "fixtures", "one-workflow");

afterAll(() => rmSync(TMP, { recursive: true, force: true }));

function freshCopy(name: string): { dir: string; cacheDir: string } {
  const dir = path.join(TMP, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(FIXTURE, path.join(dir, "ns"), { recursive: true });
  return { dir: path.join(dir, "ns"), cacheDir: path.join(dir, "cache") };
}

async function run(argv: string[], cwd: string, cacheDir: string): Promise<{ code: number; err: string }> {
  const lines: string[] = [];
  const code = await main(argv, { cwd, cacheDir, err: (line) => lines.push(line) });
  return { code, err: lines.join("\n") };
}

describe("replaygen with a result cache", () => {
  it("takes an unchanged manifest's file from the cache, and generates again after an edit", async () => {
    const { dir, cacheDir } = freshCopy("edit");
    const first = await run(["replay.ts"], dir, cacheDir);
    expect(first.err).toContain("wrote replay_gen.ts");
    expect(first.err).not.toContain("from the cache");

    const second = await run(["replay.ts"], dir, cacheDir);
    expect(second.err).toContain("unchanged replay_gen.ts");
    expect(second.err).toContain("(inputs unchanged: from the cache)");

    const manifest = path.join(dir, "replay.ts");
    writeFileSync(manifest, readFileSync(manifest, "utf8").replace("Says hello once.", "Says hello twice."));
    const third = await run(["replay.ts"], dir, cacheDir);
    expect(third.err).toContain("wrote replay_gen.ts");
    expect(third.err).not.toContain("from the cache");
    expect(readFileSync(path.join(dir, "replay_gen.ts"), "utf8")).toContain("Says hello twice.");
  });

  it("--check still compares with the file on disk when the result is cached", async () => {
    const { dir, cacheDir } = freshCopy("check");
    expect((await run(["replay.ts"], dir, cacheDir)).code).toBe(0);
    writeFileSync(path.join(dir, "replay_gen.ts"), "// edited by hand\n");
    const result = await run(["--check", "replay.ts"], dir, cacheDir);
    expect(result.code).toBe(1);
    expect(result.err).toContain("replay_gen.ts is outdated; run: npx replaygen replay.ts");
  });

  it("reports a manifest error every time: a failed run caches nothing", async () => {
    const { dir, cacheDir } = freshCopy("error");
    const manifest = path.join(dir, "replay.ts");
    writeFileSync(manifest, readFileSync(manifest, "utf8").replace('description: "Says hello once."', ""));
    for (let attempt = 0; attempt < 2; attempt++) {
      const result = await run(["replay.ts"], dir, cacheDir);
      expect(result.code).toBe(1);
      expect(result.err).toContain('workflow "greet" has no description');
    }
  });
});

describe("the compile cache", () => {
  // A stand-in for the compiler: the cache applies to files named like it.
  const dir = path.join(TMP, "compile");
  const script = `
    import { createRequire } from "node:module";
    import { enableCompileCache } from ${JSON.stringify(path.join(PACKAGE_ROOT, "src", "replaygen", "compile-cache.ts"))};
    enableCompileCache(${JSON.stringify(path.join(dir, "cache"))});
    const loaded = createRequire(import.meta.url)(${JSON.stringify(path.join(dir, "typescript.js"))});
    console.log(loaded.answer(), loaded.where());
  `;
  const runScript = () =>
    spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: PACKAGE_ROOT,
      encoding: "utf8",
    });

  it("keeps compiled code on the first run and loads the module from it on the next, unchanged", () => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, "typescript.js"),
      "exports.answer = () => 6 * 7;\nexports.where = () => require('node:path').basename(__filename);\n",
    );
    const first = runScript();
    expect(first.stderr).toBe("");
    expect(first.stdout.trim()).toBe("42 typescript.js");
    const [entry] = readdirSync(path.join(dir, "cache"));
    expect(entry).toMatch(/^typescript-[0-9a-f]{16}\.v8cache$/);
    const written = statSync(path.join(dir, "cache", entry ?? "")).mtimeMs;

    const second = runScript();
    expect(second.stdout.trim()).toBe("42 typescript.js");
    // An entry V8 accepted is not written again.
    expect(statSync(path.join(dir, "cache", entry ?? "")).mtimeMs).toBe(written);
  });
});
