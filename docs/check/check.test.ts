import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { checkDocs } from "./check.js";
import { formatProblem } from "./problem.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const scratch = mkdtempSync(join(tmpdir(), "replaykit-docs-check-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const fence = "```";
let pages = 0;

/** Writes a page of the given lines and checks it alone; returns its path and the problems as text. */
function check(...lines: string[]): { page: string; problems: string[] } {
  const page = join(scratch, `page-${++pages}.md`);
  writeFileSync(page, `${lines.join("\n")}\n`);
  return { page, problems: checkDocs({ root, files: [page] }).problems.map(formatProblem) };
}

describe("the docs check", () => {
  it("fails a TypeScript block with a type error, naming the page and the line of the error", () => {
    const { page, problems } = check(
      "# A page",
      "",
      `${fence}ts`,
      'import { createClient } from "@replaykit/runtime";',
      "",
      'const client = createClient({ uri: "mysql://app@127.0.0.1:3306/app" });',
      'await client.runWorkflowz("shop", "order", "o-1", {});',
      fence,
    );

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${page}:7: error TS2551: Property 'runWorkflowz' does not exist`));
  });

  it("compiles a block with its named and inline context, and reports an error in the context's own lines", () => {
    const { page, problems } = check(
      "<!-- context: client shop",
      "declare const input: OrderInput;",
      "-->",
      `${fence}ts`,
      'await runOrder(client, input.orderId, input, { priority: 1, delay: "1m" });',
      fence,
      "",
      "<!-- context: client",
      'const answer: number = "forty-two";',
      "-->",
      `${fence}ts`,
      "console.log(answer);",
      fence,
    );

    expect(problems).toEqual([`${page}:9: error TS2322: Type 'string' is not assignable to type 'number'.`]);
  });

  it("places a block in a folder of the repository when its context says so, for its relative imports", () => {
    const { problems } = check(
      "<!-- context: in examples/shop/src -->",
      `${fence}ts`,
      'import { SHOP_NAMESPACE } from "./replay_gen.js";',
      'const namespace: "shop" = SHOP_NAMESPACE;',
      fence,
    );

    expect(problems).toEqual([]);
  });

  it("accepts an excerpt whose lines stand in the file it names, skipping lines at `// ...`", () => {
    const { problems } = check(
      `${fence}ts`,
      "// examples/shop/src/workflow.ts (excerpt)",
      "export const order: OrderWorkflow = async (flow, input) => {",
      "  const { orderId, cents } = input;",
      "  // ...",
      '  return { status: "shipped", chargeId: charge.chargeId, trackingId };',
      fence,
    );

    expect(problems).toEqual([]);
  });

  it("fails an excerpt with a line that is not in the file it names", () => {
    const { page, problems } = check(
      `${fence}ts`,
      "// examples/shop/src/workflow.ts (excerpt)",
      "export const order: OrderWorkflow = async (flow, input) => {",
      "  const { orderId, cents, address } = input;",
      fence,
    );

    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`${page}:4: this line of an excerpt of examples/shop/src/workflow.ts`);
  });

  it("fails a block without a language, a json block that does not parse, and links that lead nowhere", () => {
    const { page, problems } = check(
      "# Title",
      "",
      "See [a page](missing.md), [a heading](#title) and [another](#no-such-heading).",
      "",
      fence,
      "npm test",
      fence,
      "",
      `${fence}json`,
      "{ not json }",
      fence,
    );

    expect(problems).toEqual([
      expect.stringMatching(new RegExp(`^${page}:3: link to missing.md: .*missing.md does not exist$`)),
      `${page}:3: link to #no-such-heading: ${page} has no heading with the anchor #no-such-heading`,
      expect.stringContaining(`${page}:5: a code block without a language`),
      expect.stringContaining(`${page}:9: a json block that does not parse`),
    ]);
  });

  it("exits 1 from the command line and prints each problem as file:line: message", () => {
    const { page } = check(`${fence}ts`, "const n: number = 1 + true;", fence);

    const run = spawnSync(process.execPath, ["--import", "tsx", join(root, "docs", "check", "main.ts"), page], {
      encoding: "utf8",
    });

    expect(run.status).toBe(1);
    expect(run.stdout).toContain(
      `${page}:2: error TS2365: Operator '+' cannot be applied to types 'number' and 'boolean'.`,
    );
    expect(run.stdout).toMatch(/docs: 1 problem/);
  });
});
