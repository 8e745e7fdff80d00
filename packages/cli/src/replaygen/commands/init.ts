import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { systemErrorMessage } from "../../shared/errors.js";
import { EXIT } from "../../shared/exit-codes.js";
import type { Io } from "../io.js";
import { nextSteps, SCAFFOLD } from "./scaffold.js";

/**
 * Writes a manifest, types, activities, a workflow, its unit test, a worker entry point and a
 * script that runs the workflow once into `dir` (created when missing). Refuses, writing
 * nothing, when any of those files exists.
 */
export function runInit(dir: string, io: Io): number {
  const target = path.resolve(io.cwd, dir);
  const shown = (name: string) => posix(path.relative(io.cwd, path.join(target, name)) || name);
  const existing = Object.keys(SCAFFOLD).filter((name) => existsSync(path.join(target, name)));
  if (existing.length > 0) {
    io.err(
      `replaygen: init writes nothing, because ${existing.map(shown).join(", ")} already exist${existing.length === 1 ? "s" : ""}: ` +
        "init scaffolds a new namespace; name another folder (npx replaygen init src/orders) or move those files away",
    );
    return EXIT.usage;
  }
  try {
    mkdirSync(target, { recursive: true });
    for (const [name, content] of Object.entries(SCAFFOLD)) {
      writeFileSync(path.join(target, name), content);
      io.err(`replaygen: created ${shown(name)}`);
    }
  } catch (error) {
    const refused = systemErrorMessage(error);
    if (refused === undefined) throw error;
    io.err(
      `replaygen: init cannot write to ${shown("") || "."}: ${refused}; name a folder that is not a file, in a place you may write`,
    );
    return EXIT.usage;
  }
  for (const line of packageAdvice(target, io.cwd)) io.err(line);
  const manifest = shown("replay.ts");
  for (const line of nextSteps(manifest, posix(path.dirname(manifest)))) io.err(line);
  return EXIT.ok;
}

/** What the app's package.json lacks for the scaffold to build and run: ESM, and the packages it imports. */
function packageAdvice(target: string, cwd: string): string[] {
  const found = nearestPackageJson(target);
  if (found === undefined) {
    return [
      'replaygen: warning: no package.json above this folder; create one with `npm init -y`, set "type": "module", and install the packages (see the README, \'Use replaykit in your app\')',
    ];
  }
  const advice: string[] = [];
  const relative = posix(path.relative(cwd, found.file)) || "package.json";
  if (found.json.type !== "module") {
    advice.push(
      `replaygen: warning: ${relative} has no "type": "module": the generated code and the worker are ES modules (import ... from "./replay_gen.js"); add "type": "module" to it`,
    );
  }
  const declared = { ...found.json.dependencies, ...found.json.devDependencies };
  const missing = ["@replaykit/runtime", "@replaykit/codegen", "vitest"].filter((name) => !(name in declared));
  if (missing.length > 0) {
    const runtime = missing.includes("@replaykit/runtime") ? ["npm install @replaykit/runtime mysql2"] : [];
    const dev = missing.filter((name) => name !== "@replaykit/runtime");
    const commands = [...runtime, ...(dev.length > 0 ? [`npm install --save-dev ${dev.join(" ")}`] : [])];
    advice.push(`replaygen: warning: ${relative} does not list ${missing.join(", ")}: ${commands.join(" and ")}`);
  }
  return advice;
}

interface PackageJson {
  readonly type?: unknown;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
}

function nearestPackageJson(from: string): { file: string; json: PackageJson } | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (existsSync(file)) {
      try {
        return { file, json: JSON.parse(readFileSync(file, "utf8")) as PackageJson };
      } catch {
        return undefined;
      }
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

function posix(file: string): string {
  return file.split(path.sep).join("/");
}
