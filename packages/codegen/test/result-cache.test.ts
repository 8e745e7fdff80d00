import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { ResultCache } from "../src/cache/index.js";
import { type GeneratedFile, generate, ProjectCache } from "../src/index.js";
import { FIXTURES, PACKAGE_ROOT } from "./helpers.js";

const DIR = path.join(PACKAGE_ROOT, "test", ".tmp", "result-cache");
const COPY = path.join(DIR, "manifest");
const CACHE = path.join(DIR, "cache");
const MANIFEST = path.join(COPY, "replay.ts");
const projects = new ProjectCache();

afterAll(() => rmSync(DIR, { recursive: true, force: true }));

beforeEach(() => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  cpSync(path.join(FIXTURES, "zod-schemas"), COPY, { recursive: true });
});

function generated(): GeneratedFile {
  const [file] = generate([MANIFEST], { projects });
  if (file === undefined) throw new Error("nothing generated");
  return file;
}

/** Stores a fresh result and returns a cache reading it back as a new process would. */
function storedCache(generator = "generator-1"): ResultCache {
  new ResultCache(CACHE, generator).store(generated());
  return new ResultCache(CACHE, generator);
}

describe("the result cache", () => {
  it("gives back the generated file while nothing it was made from changed", () => {
    const file = generated();
    const cache = storedCache();
    expect(cache.lookup(MANIFEST)).toEqual({
      manifestPath: MANIFEST,
      outputPath: file.outputPath,
      content: file.content,
    });
  });

  it("records the manifest's imports, the packages they use and the tsconfig chain as inputs", () => {
    const { inputs } = generated();
    for (const name of ["replay.ts", "schemas.ts", "activities.ts"])
      expect(inputs.files).toContain(path.join(COPY, name));
    expect(inputs.files).toContain(path.join(PACKAGE_ROOT, "tsconfig.json"));
    expect(inputs.files).toContain(path.resolve(PACKAGE_ROOT, "..", "..", "tsconfig.base.json"));
    expect(inputs.files.some((file) => /node_modules\/zod\/package\.json$/.test(file))).toBe(true);
    expect(inputs.files.some((file) => file.includes("lib.es5.d.ts"))).toBe(false);
    expect(inputs.directories).toContain(COPY);
  });

  it("misses when an imported file changed", () => {
    const cache = storedCache();
    const schemas = path.join(COPY, "schemas.ts");
    writeFileSync(schemas, readFileSync(schemas, "utf8").replace("z.string().length(6)", "z.string().length(8)"));
    expect(cache.lookup(MANIFEST)).toBeUndefined();
  });

  it("still hits when a file was only touched: same content, new mtime", () => {
    const cache = storedCache();
    const later = new Date(Date.now() + 60_000);
    utimesSync(path.join(COPY, "activities.ts"), later, later);
    expect(cache.lookup(MANIFEST)?.content).toBe(generated().content);
  });

  it("misses when a file was added beside the manifest, which can change what an import resolves to", () => {
    const cache = storedCache();
    writeFileSync(path.join(COPY, "extra.ts"), "export const extra = 1;\n");
    expect(cache.lookup(MANIFEST)).toBeUndefined();
  });

  it("misses for a result another generator made, and for a damaged entry", () => {
    storedCache("generator-1");
    expect(new ResultCache(CACHE, "generator-2").lookup(MANIFEST)).toBeUndefined();
    const entries = path.join(CACHE, "results");
    for (const file of readdirSync(entries)) writeFileSync(path.join(entries, file), "{ not json");
    expect(new ResultCache(CACHE, "generator-1").lookup(MANIFEST)).toBeUndefined();
  });

  it("has no entry for a manifest it never stored", () => {
    expect(new ResultCache(CACHE, "generator-1").lookup(MANIFEST)).toBeUndefined();
  });
});
