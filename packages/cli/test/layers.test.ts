import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

// The layering rules are the repository's (scripts/check-layers.mjs, run by `npm run lint`); they
// are tested here, where `npm test` runs package tests.
const REPOSITORY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const SCRIPT = path.join(REPOSITORY, "scripts", "check-layers.mjs");
// Outside the package, so that neither vitest nor tsc picks up the copied sources.
const TMP = mkdtempSync(path.join(tmpdir(), "replaykit-layers-"));

afterAll(() => rmSync(TMP, { recursive: true, force: true }));

function checkLayers(root: string): { code: number | null; lines: string[] } {
  const result = spawnSync(process.execPath, [SCRIPT, root], { encoding: "utf8" });
  return { code: result.status, lines: `${result.stdout}${result.stderr}`.trim().split("\n") };
}

/** A repository root holding `files` (paths under packages/), in a fresh folder. */
function tree(name: string, files: Record<string, string>): string {
  const root = path.join(TMP, name);
  rmSync(root, { recursive: true, force: true });
  for (const [file, text] of Object.entries(files)) {
    const full = path.join(root, "packages", file);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
  return root;
}

/** `file:line: rule`, without what to do. */
const located = (line: string) => line.split(": ").slice(0, 2).join(": ");

describe("the layering check (npm run lint)", () => {
  it("passes the repository's own packages", () => {
    const { code, lines } = checkLayers(REPOSITORY);
    expect(lines.at(-1)).toMatch(/^check-layers: \d+ files of packages\/\*\/src keep the layering rules$/);
    expect(code).toBe(0);
  });

  it("fails on a copy of the runtime with one import of node:fs added to replay/, naming the file, the rule and what to do", () => {
    const root = path.join(TMP, "replay-io");
    rmSync(root, { recursive: true, force: true });
    const src = path.join(root, "packages", "runtime", "src");
    cpSync(path.join(REPOSITORY, "packages", "runtime", "src"), src, { recursive: true });
    const executor = path.join(src, "replay", "executor.ts");
    writeFileSync(executor, `import { readFileSync } from "node:fs";\n${readFileSync(executor, "utf8")}`);

    const { code, lines } = checkLayers(root);
    expect(lines).toEqual([
      "packages/runtime/src/replay/executor.ts:1: replay/ and history/ do no I/O: it imports node:fs; the deterministic core gets what it needs as data or through an interface: do the I/O in worker/ or client/ and pass the result in",
      "check-layers: 1 problem; scripts/check-layers.mjs says why each rule exists",
    ]);
    expect(code).toBe(1);
  });

  it("names each file and rule that an import or an SQL string breaks, and lets the allowed ones pass", () => {
    const root = tree("every-rule", {
      "runtime/src/store/mysql/claim.ts": `import { createPool } from "mysql2/promise";\nexport const CLAIM = "SELECT id FROM runs FOR UPDATE SKIP LOCKED";\nexport const pool = createPool;\n`,
      "runtime/src/store/types.ts": "export interface Store {}\n",
      "runtime/src/history/events.ts": `import { setTimeout } from "node:timers/promises";\nexport const wait = setTimeout;\n`,
      "runtime/src/replay/executor.ts": `import type { Store } from "../store/types.js";\nexport type Used = Store;\n`,
      "runtime/src/client/client.ts": `import { CLAIM } from "../store/mysql/claim.js";\nexport const claim = CLAIM;\n`,
      "runtime/src/worker/worker.ts": `import type { Pool } from "mysql2/promise";\nexport type P = Pool;\nexport const lease = (n: number) => \`UPDATE runs SET lease = \${n}\`;\n`,
      "runtime/src/ops/explain.ts": `import mysql from "mysql2";\nexport const driver = mysql;\nexport const note = "DELETE";\n`,
      "runtime/src/testing/database.ts": `import { createConnection } from "mysql2/promise";\nexport const create = (name: string) => [createConnection, \`CREATE DATABASE \${name}\`];\n`,
      "codegen/src/a.ts": `import { b } from "./b.js";\nexport const a = () => b;\n`,
      "codegen/src/b.ts": `// import { nothing } from "./c.js";\nimport { a } from "./a.js";\nexport const b = () => a;\n`,
      "cli/src/replaykit/format.ts": "export const format = String;\n",
      "cli/src/replaykit/ui.ts": `import { page } from "../inspector/page.js";\nexport const ui = page;\n`,
      "cli/src/inspector/page.ts": `import { format } from "../replaykit/format.js";\nexport const page = format;\n`,
      "cli/src/replaygen/io.ts": "export const io = 1;\n",
      "cli/src/shared/values.ts": `import { io } from "../replaygen/io.js";\nexport const values = io;\n`,
    });

    const { code, lines } = checkLayers(root);
    expect(lines.map(located)).toEqual([
      "packages/cli/src/inspector/page.ts:1: the CLI's folders import each other without a cycle",
      "packages/cli/src/replaykit/ui.ts:1: the CLI's folders import each other without a cycle",
      "packages/cli/src/shared/values.ts:1: shared/ imports no other folder of the CLI",
      "packages/codegen/src/a.ts:1: no import cycles",
      "packages/runtime/src/client/client.ts:1: client/ never imports store/mysql/",
      "packages/runtime/src/history/events.ts:1: replay/ and history/ do no I/O",
      "packages/runtime/src/ops/explain.ts:1: mysql2 only in store/mysql/",
      "packages/runtime/src/replay/executor.ts:1: replay/ and history/ do no I/O",
      "packages/runtime/src/worker/worker.ts:3: SQL only in store/mysql/",
      "check-layers: 9 problems; scripts/check-layers.mjs says why each rule exists",
    ]);
    expect(lines).toContain(
      "packages/codegen/src/a.ts:1: no import cycles: a.ts -> b.ts -> a.ts; move what they share into a module that none of them imports back",
    );
    expect(lines).toContain(
      "packages/cli/src/inspector/page.ts:1: the CLI's folders import each other without a cycle: inspector/ imports replaykit/ (../replaykit/format.js), and the loop is inspector/ -> replaykit/ -> inspector/; move what the folders share into shared/, which imports none of them",
    );
    expect(code).toBe(1);
  });
});
