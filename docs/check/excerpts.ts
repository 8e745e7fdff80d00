// A TypeScript block whose first line names a file of the repository (`// examples/shop/src/workflow.ts`,
// optionally followed by words such as `(excerpt)`) is an excerpt of that file: its lines must
// stand in the file as they are, in order. A line `// ...` skips over lines of the file. The file
// itself is compiled by its own package's typecheck, so the excerpt cannot go stale unnoticed.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { CodeBlock } from "./markdown.js";
import type { Problem } from "./problem.js";

const EXCERPT_OF = /^\/\/ ((?:examples|packages|bench|scripts|templates)\/\S+\.(?:ts|mts|tsx|js|mjs))(?:\s.*)?$/;
const ELISION = /^\s*\/\/ \.\.\.\s*$/;

/** The repository path a block says it is an excerpt of, or undefined. */
export function excerptSource(block: CodeBlock): string | undefined {
  return EXCERPT_OF.exec(block.code[0] ?? "")?.[1];
}

export function checkExcerpt(root: string, block: CodeBlock, source: string): Problem[] {
  let text: string;
  try {
    text = readFileSync(join(root, source), "utf8");
  } catch {
    return [
      {
        file: block.file,
        line: block.fenceLine + 1,
        message: `${source} does not exist: name the file the excerpt is from`,
      },
    ];
  }
  const fileLines = text.split("\n").map((l) => l.trimEnd());
  let from = 0;
  for (const chunk of chunks(block)) {
    const found = findChunk(fileLines, chunk.lines, from);
    if (found.at !== undefined) {
      from = found.at + chunk.lines.length;
      continue;
    }
    const line = chunk.firstLine + found.matched;
    const wanted = chunk.lines[found.matched] ?? "";
    return [
      {
        file: block.file,
        line,
        message:
          `this line of an excerpt of ${source} is not in that file at this point: ${JSON.stringify(wanted.trim())}. ` +
          "Copy the lines from the file again (a line `// ...` skips lines of the file)",
      },
    ];
  }
  return [];
}

interface Chunk {
  /** The page line of the chunk's first line. */
  readonly firstLine: number;
  readonly lines: readonly string[];
}

/** The block's lines after its first, cut at `// ...` lines, without blank lines at either end. */
function chunks(block: CodeBlock): Chunk[] {
  const result: { firstLine: number; lines: string[] }[] = [];
  let current: { firstLine: number; lines: string[] } | undefined;
  block.code.forEach((raw, index) => {
    if (index === 0) return;
    const line = raw.trimEnd();
    if (ELISION.test(line)) {
      current = undefined;
      return;
    }
    if (current === undefined) {
      if (line === "") return;
      current = { firstLine: block.fenceLine + 1 + index, lines: [] };
      result.push(current);
    }
    current.lines.push(line);
  });
  for (const chunk of result) while (chunk.lines.at(-1) === "") chunk.lines.pop();
  return result;
}

/**
 * Where `chunk` stands in `file` at or after `from`, each line with one common indentation added
 * (an excerpt may drop the indentation of the code around it); else how many of its first lines
 * matched at the best place.
 */
function findChunk(file: readonly string[], chunk: readonly string[], from: number): { at?: number; matched: number } {
  let best = 0;
  for (let start = from; start < file.length; start++) {
    const first = file[start] ?? "";
    const head = chunk[0] ?? "";
    if (!first.endsWith(head)) continue;
    const indent = first.slice(0, first.length - head.length);
    if (indent.trim() !== "") continue;
    let matched = 0;
    while (matched < chunk.length && sameLine(file[start + matched], chunk[matched] ?? "", indent)) matched++;
    if (matched === chunk.length) return { at: start, matched };
    best = Math.max(best, matched);
  }
  return { matched: best };
}

function sameLine(fileLine: string | undefined, line: string, indent: string): boolean {
  if (fileLine === undefined) return false;
  return line === "" ? fileLine.trim() === "" : fileLine === indent + line;
}
