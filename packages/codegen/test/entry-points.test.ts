import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { PACKAGE_ROOT } from "./helpers.js";

/** The modules `entry` loads at run time: relative imports followed, type-only ones skipped. */
function runtimeImports(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [entry];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (files.has(file)) continue;
    files.add(file);
    const source = readFileSync(file, "utf8");
    for (const match of source.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+"([^"]+)"/gms)) {
      const specifier = match[1] ?? "";
      if (specifier.startsWith(".")) pending.push(path.resolve(path.dirname(file), specifier.replace(/\.js$/, ".ts")));
      else packages.add(specifier);
    }
  }
  return { files: [...files], packages: [...packages] };
}

it("the cache entry (@replaykit/codegen/cache) loads neither the compiler nor the templates' engine", () => {
  const { files, packages } = runtimeImports(path.join(PACKAGE_ROOT, "src", "cache", "index.ts"));
  expect(files.map((file) => path.relative(PACKAGE_ROOT, file))).not.toContain(path.join("src", "compiler.ts"));
  expect(packages.filter((name) => !name.startsWith("node:"))).toEqual([]);
});

it("the main entry loads ts-morph only through src/compiler.ts, with require", () => {
  const { files } = runtimeImports(path.join(PACKAGE_ROOT, "src", "index.ts"));
  const importers = files.filter((file) =>
    /^import\s+(?!type\b)[^;]*from\s+"ts-morph"/m.test(readFileSync(file, "utf8")),
  );
  expect(importers).toEqual([]);
  expect(files).toContain(path.join(PACKAGE_ROOT, "src", "compiler.ts"));
});
