// Compiles TypeScript blocks as modules of one program, with the strict settings of
// tsconfig.base.json, against the built packages (their dist/ declarations, as an app sees them).
//
// A block's context is what it does not show: imports and `declare const client: Client;`. It is
// given in an HTML comment just before the block, which the rendered page hides:
//
//   <!-- context: client shop     named contexts, from docs/check/contexts/<name>.ts, in order
//   declare const runId: string;  and lines of the block's own (optional)
//   -->
//
// Each block becomes a module, in memory only: its contexts, then its lines, then `export {};`.
// It stands in docs/check/blocks/, or, with `in <folder>` on the first line
// (`<!-- context: in examples/shop/src -->`), in that folder, so that the block imports that
// folder's files as one of them would (`import { runOrder } from "./replay_gen.js"`). Relative
// imports of a named context are written from docs/check/contexts/ and moved with the block.
// A diagnostic is reported at the page line it comes from, or at the context file's line.
import { readFileSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import ts from "typescript";
import type { CodeBlock } from "./markdown.js";
import type { Problem } from "./problem.js";

const CONTEXT = /^\s*context(?::[ \t]*([^\n]*))?\n?([\s\S]*)$/;
const CONTEXTS_DIR = "docs/check/contexts";
const BLOCKS_DIR = "docs/check/blocks";
const RELATIVE_IMPORT = /(from\s+|import\s*\(\s*)(["'])(\.\.?\/[^"']+)\2/g;

interface Origin {
  readonly file: string;
  readonly line: number;
}

interface Module {
  readonly path: string;
  readonly text: string;
  /** Where each of its lines comes from, by 0-based line. */
  readonly origins: readonly Origin[];
}

export function compileBlocks(root: string, blocks: readonly CodeBlock[]): Problem[] {
  const problems: Problem[] = [];
  const modules = new Map<string, Module>();
  for (const block of blocks) {
    const built = buildModule(root, block);
    if ("problem" in built) problems.push(built.problem);
    else modules.set(built.path, built);
  }
  if (modules.size === 0) return problems;
  const program = createProgram(root, modules);
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) problems.push(toProblem(root, modules, diagnostic));
  return problems;
}

function buildModule(root: string, block: CodeBlock): Module | { problem: Problem } {
  const lines: string[] = [];
  const origins: Origin[] = [];
  const add = (text: readonly string[], file: string, firstLine: number) =>
    text.forEach((line, i) => {
      lines.push(line);
      origins.push({ file, line: firstLine + i });
    });
  const context = block.comment === undefined ? undefined : CONTEXT.exec(block.comment.text);
  const { names, folder } = parseHead(context?.[1] ?? "");
  const page = basename(block.file).replace(/\.md$/, "");
  const path = join(root, folder ?? BLOCKS_DIR, `docs-${page}-${block.fenceLine}.ts`);
  for (const name of names) {
    const file = `${CONTEXTS_DIR}/${name}.ts`;
    let text: string;
    try {
      text = readFileSync(join(root, file), "utf8");
    } catch {
      const message = `no context "${name}": add ${file}, or name one of the files in ${CONTEXTS_DIR}`;
      return { problem: { file: block.file, line: block.comment?.line ?? block.fenceLine, message } };
    }
    add(moveImports(text, join(root, CONTEXTS_DIR), dirname(path)).split("\n"), file, 1);
  }
  if (block.comment !== undefined && context) add((context[2] ?? "").split("\n"), block.file, block.comment.line + 1);
  add(block.code, block.file, block.fenceLine + 1);
  add(["export {};"], block.file, block.fenceLine);
  return { path, text: lines.join("\n"), origins };
}

/** `client shop in examples/shop/src` -> the context names and the folder. */
function parseHead(head: string): { names: string[]; folder?: string } {
  const words = head.split(/[\s,]+/).filter(Boolean);
  const at = words.indexOf("in");
  if (at < 0) return { names: words };
  const folder = words[at + 1];
  return { names: words.slice(0, at), ...(folder === undefined ? {} : { folder }) };
}

/** Rewrites the relative imports of `text`, written from `from`, as seen from `to`. */
function moveImports(text: string, from: string, to: string): string {
  if (from === to) return text;
  return text.replace(RELATIVE_IMPORT, (_, head: string, quote: string, specifier: string) => {
    const moved = relative(to, join(from, specifier));
    return `${head}${quote}${moved.startsWith(".") ? moved : `./${moved}`}${quote}`;
  });
}

function createProgram(root: string, modules: ReadonlyMap<string, Module>): ts.Program {
  const base = ts.readConfigFile(join(root, "tsconfig.base.json"), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(base.config, ts.sys, root);
  const options: ts.CompilerOptions = {
    ...parsed.options,
    noEmit: true,
    declaration: false,
    declarationMap: false,
    sourceMap: false,
  };
  const host = ts.createCompilerHost(options);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (file) => modules.has(file) || fileExists.call(host, file);
  host.readFile = (file) => modules.get(file)?.text ?? readFile.call(host, file);
  host.getSourceFile = (file, language, onError, create) => {
    const module = modules.get(file);
    if (module === undefined) return getSourceFile.call(host, file, language, onError, create);
    return ts.createSourceFile(file, module.text, language, true);
  };
  return ts.createProgram({ rootNames: [...modules.keys()], options, host });
}

function toProblem(root: string, modules: ReadonlyMap<string, Module>, diagnostic: ts.Diagnostic): Problem {
  const message = `error TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n  ")}`;
  if (diagnostic.file === undefined || diagnostic.start === undefined) return { file: "(compiler)", line: 0, message };
  const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  const origin = modules.get(diagnostic.file.fileName)?.origins[line];
  if (origin !== undefined) return { ...origin, message };
  return { file: relative(root, diagnostic.file.fileName), line: line + 1, message };
}
