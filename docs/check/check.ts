// The docs check: every code block names its language; TypeScript blocks compile (or, when they
// say they are an excerpt of a repository file, stand in that file); JSON blocks parse; links
// resolve; the README links every page of docs/.
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { compileBlocks } from "./compile.js";
import { checkExcerpt, excerptSource } from "./excerpts.js";
import { checkLinks, checkMap } from "./links.js";
import { type CodeBlock, type Page, parsePage } from "./markdown.js";
import type { Problem } from "./problem.js";

export interface CheckOptions {
  /** The repository root: packages resolve from its node_modules, excerpts from its files. */
  readonly root: string;
  /** Pages to check, relative to the root; default: the README, the pages of docs/ and the READMEs of packages/, and the map check. */
  readonly files?: readonly string[];
}

export interface CheckReport {
  readonly problems: readonly Problem[];
  readonly pages: number;
  readonly compiled: number;
  readonly excerpts: number;
}

const TYPESCRIPT = new Set(["ts", "typescript"]);

export function checkDocs(options: CheckOptions): CheckReport {
  const { root } = options;
  const files = options.files ?? defaultPages(root);
  const pages = new Map<string, Page>(
    files.map((file) => [file, parsePage(file, readFileSync(resolve(root, file), "utf8"))]),
  );
  const problems: Problem[] = [];
  const toCompile: CodeBlock[] = [];
  let excerpts = 0;
  for (const block of [...pages.values()].flatMap((page) => page.blocks)) {
    if (block.lang === "") {
      problems.push({ file: block.file, line: block.fenceLine, message: UNLABELLED });
    } else if (TYPESCRIPT.has(block.lang)) {
      const source = excerptSource(block);
      if (source === undefined) toCompile.push(block);
      else {
        excerpts++;
        problems.push(...checkExcerpt(root, block, source));
      }
    } else if (block.lang === "json") {
      problems.push(...checkJson(block));
    }
  }
  problems.push(...compileBlocks(root, toCompile), ...checkLinks(root, pages));
  const readme = pages.get("README.md");
  if (options.files === undefined && readme !== undefined) {
    const docPages = files.filter((file) => file.startsWith("docs/"));
    problems.push(...checkMap({ file: "README.md", page: readme }, docPages));
  }
  problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return { problems, pages: pages.size, compiled: toCompile.length, excerpts };
}

const UNLABELLED =
  "a code block without a language: mark it ```ts (compiled by this check), or ```sh, ```text, ```json";

function defaultPages(root: string): string[] {
  const docs = markdownIn(root, "docs").map((name) => `docs/${name}`);
  const packages = readdirSync(join(root, "packages"))
    .sort()
    .filter((name) => markdownIn(root, `packages/${name}`).includes("README.md"))
    .map((name) => `packages/${name}/README.md`);
  return ["README.md", ...docs, ...packages];
}

function markdownIn(root: string, folder: string): string[] {
  return readdirSync(join(root, folder))
    .filter((name) => name.endsWith(".md"))
    .sort();
}

function checkJson(block: CodeBlock): Problem[] {
  try {
    JSON.parse(block.code.join("\n"));
    return [];
  } catch (error) {
    const message = `a json block that does not parse (${(error as Error).message}): fix it, or mark it \`\`\`text`;
    return [{ file: block.file, line: block.fenceLine, message }];
  }
}
