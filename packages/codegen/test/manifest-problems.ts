import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { type GeneratedFile, generate, type ManifestError, ManifestErrors, ProjectCache } from "../src/index.js";
import { PACKAGE_ROOT } from "./helpers.js";

/** What every manifest of the validation tests starts with: an input type and an activity. */
export const HEADER = `import type { ActivityContext } from "@replaykit/runtime";
import { activity, defineNamespace, output, queue, schedule, signal, workflow } from "@replaykit/codegen";
export interface In { readonly id: string }
export async function act(_ctx: ActivityContext, _b: { db: string }, input: In): Promise<In> { return input; }
`;

/** Manifests written to a scratch folder of their own, with what replaygen says about them. */
export function manifestCases(name: string) {
  const tmp = path.join(PACKAGE_ROOT, "test", ".tmp", name);
  const projects = new ProjectCache();
  let counter = 0;

  const write = (source: string): string => {
    const dir = path.join(tmp, `case${++counter}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "replay.ts"), source);
    return dir;
  };

  /** Writes `body` (after the header) as a manifest and returns the problems replaygen reports. */
  const problemsOf = (body: string): { errors: readonly ManifestError[]; source: string } => {
    const source = HEADER + body;
    const dir = write(source);
    try {
      generate([path.join(dir, "replay.ts")], { cwd: dir, projects });
    } catch (error) {
      if (error instanceof ManifestErrors) return { errors: error.errors, source };
      throw error;
    }
    return { errors: [], source };
  };

  /** Asserts that replaygen reports `message` at the first occurrence of `marker`, with its source line. */
  const expectProblem = (body: string, marker: string, message: RegExp): void => {
    const { errors, source } = problemsOf(body);
    const at = positionOf(source, marker);
    const found = errors.find((error) => message.test(error.message));
    expect(found?.message, errors.map((error) => error.message).join("\n")).toMatch(message);
    expect(found?.message.startsWith(`replay.ts:${at}: `)).toBe(true);
    expect(`${found?.line}:${found?.column}`).toBe(at);
    expect(found?.format()).toContain(source.split("\n")[Number(at.split(":")[0]) - 1]);
  };

  /** Generates `source` (a whole manifest) and returns the file. */
  const generated = (source: string): GeneratedFile => {
    const dir = write(source);
    const [file] = generate([path.join(dir, "replay.ts")], { cwd: dir, projects });
    if (file === undefined) throw new Error("nothing generated");
    return file;
  };

  const cleanup = () => rmSync(tmp, { recursive: true, force: true });
  return { problemsOf, expectProblem, generated, write, projects, cleanup };
}

/** 1-based line:col of the first occurrence of `marker` in `source`. */
function positionOf(source: string, marker: string): string {
  const index = source.indexOf(marker);
  if (index < 0) throw new Error(`marker ${marker} not in source`);
  const before = source.slice(0, index).split("\n");
  return `${before.length}:${(before.at(-1)?.length ?? 0) + 1}`;
}
