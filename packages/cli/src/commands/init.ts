import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { EXIT_OK, EXIT_USAGE, type Io } from "../io.js";
import { SCAFFOLD } from "./scaffold.js";

/** Writes a manifest, activities, types and a workflow into an empty (or new) folder. */
export function runInit(dir: string, io: Io): number {
  const target = path.resolve(io.cwd, dir);
  if (existsSync(target) && readdirSync(target).length > 0) {
    io.err(`replaygen: ${dir} is not empty; init only scaffolds into an empty or new folder`);
    return EXIT_USAGE;
  }
  mkdirSync(target, { recursive: true });
  for (const [name, content] of Object.entries(SCAFFOLD)) {
    writeFileSync(path.join(target, name), content);
    io.err(`replaygen: created ${path.join(dir, name)}`);
  }
  io.err(`replaygen: next: npx replaygen ${path.join(dir, "replay.ts")}`);
  return EXIT_OK;
}
