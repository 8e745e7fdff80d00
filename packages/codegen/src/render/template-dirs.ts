import path from "node:path";
import { fileURLToPath } from "node:url";

/** `templates/` of the built package (copied by its build), else the repository's top-level one. */
export function templateDirCandidates(): string[] {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const packageRoot = path.resolve(here, "..", "..");
  return [path.join(packageRoot, "templates"), path.resolve(packageRoot, "..", "..", "templates")];
}
