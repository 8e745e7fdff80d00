import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { templateDirCandidates } from "../render/template-dirs.js";

/**
 * Identifies this generator: its own code (the files beside this one), its templates and the
 * ts-morph it reads with. A cached result made by any other build of these is not used.
 */
export function generatorFingerprint(): string {
  const codeDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  const hash = createHash("sha256");
  for (const dir of [codeDir, ...templateDirCandidates()]) {
    for (const file of filesUnder(dir)) {
      const { size, mtimeMs } = statSync(file);
      hash.update(`${file}\0${size}\0${mtimeMs}\n`);
    }
  }
  hash.update(tsMorphVersion());
  return hash.digest("hex");
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

function tsMorphVersion(): string {
  const require = createRequire(import.meta.url);
  try {
    const manifest = path.join(path.dirname(require.resolve("ts-morph")), "..", "package.json");
    return (JSON.parse(readFileSync(manifest, "utf8")) as { version?: string }).version ?? "";
  } catch {
    return "";
  }
}
