#!/usr/bin/env node
// The import rules of packages/*/src, run by `npm run lint` (and so by `npm test`). Each broken
// rule is printed as `file:line: rule: what to do`, and the exit code is then 1.
// Usage: node scripts/check-layers.mjs [repository root; default: this repository]
//
// The rules, and why:
//   - no import cycles between the files of a package: a cycle makes the load order decide which
//     module sees the other half-initialised, and two files in a loop are one module in disguise;
//   - mysql2 and SQL statements only in packages/runtime/src/store/mysql/: every other folder
//     works through the Store interface, which the memory store implements as well (`import type`
//     of mysql2 is fine; DATABASE_ELSEWHERE names the folders exempt, and why);
//   - the runtime's replay/ and history/ do no I/O (no node I/O module, no mysql2, nothing of
//     store/, worker/ or client/): replay must give the same commands for the same history;
//   - the runtime's client/, worker/ and ops/ never import store/mysql/: they run on every store;
//   - the CLI's folders (replaygen/, replaykit/, inspector/, shared/) import each other without a
//     cycle, and shared/ imports none of the others: it is the base every folder may use.
// Files are parsed with the TypeScript compiler, so comments and strings never count as imports.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const RUNTIME = "packages/runtime/src/";
const CLI = "packages/cli/src/";
const MYSQL_STORE = `${RUNTIME}store/mysql/`;
/** Folders outside store/mysql/ that may import mysql2 and write SQL, each with its reason. */
const DATABASE_ELSEWHERE = [
  { folder: `${RUNTIME}testing/`, why: "throwaway servers and scratch databases: test administration, not the store" },
];
const SQL = /^\s*(SELECT|INSERT|UPDATE|DELETE|REPLACE|CREATE|ALTER|DROP|TRUNCATE)\s/;
const NODE_IO = new Set([
  ...["fs", "fs/promises", "net", "http", "https", "http2", "tls", "dgram", "dns", "dns/promises"],
  ...["child_process", "cluster", "worker_threads", "timers", "timers/promises", "readline", "process", "os"],
]);

/**
 * @typedef {{ specifier: string, target: string | undefined, typeOnly: boolean, line: number }} Import
 *   target: the repository-relative file a relative specifier names; undefined for packages.
 * @typedef {{ file: string, imports: Import[], sql: { text: string, line: number }[] }} Source
 * @typedef {{ file: string, line: number, rule: string, advice: string }} Violation
 */

/** Checks the repository at argv[2] (default: this one) and exits 1 when a rule is broken. */
function main() {
  const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), ".."));
  const sources = readPackages(root);
  if (sources.length === 0) {
    console.error(`check-layers: no packages/*/src/**/*.ts under ${root}; run it from the repository root`);
    process.exit(2);
  }
  const violations = [...importRules(sources), ...cycles(sources), ...cliFolderCycles(sources)].sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line,
  );
  for (const v of violations) console.log(`${v.file}:${v.line}: ${v.rule}: ${v.advice}`);
  if (violations.length > 0) {
    const count = violations.length === 1 ? "1 problem" : `${violations.length} problems`;
    console.log(`check-layers: ${count}; scripts/check-layers.mjs says why each rule exists`);
    process.exit(1);
  }
  console.log(`check-layers: ${sources.length} files of packages/*/src keep the layering rules`);
}

/** Every .ts file of packages/<name>/src, parsed. */
function readPackages(repository) {
  const packages = path.join(repository, "packages");
  const names = safeList(packages).filter((name) => isDirectory(path.join(packages, name, "src")));
  return names.flatMap((name) => listTs(path.join(packages, name, "src")).map((file) => readSource(repository, file)));
}

function listTs(dir) {
  return safeList(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (isDirectory(full)) return name === "node_modules" ? [] : listTs(full);
    return name.endsWith(".ts") && !name.endsWith(".d.ts") ? [full] : [];
  });
}

/** @returns {Source} */
function readSource(repository, absolute) {
  const source = ts.createSourceFile(absolute, readFileSync(absolute, "utf8"), ts.ScriptTarget.Latest, true);
  const lineOf = (node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const imports = [];
  const sql = [];
  const visit = (node) => {
    const specifier = moduleSpecifier(node);
    if (specifier !== undefined) {
      const target = resolveRelative(repository, absolute, specifier);
      imports.push({ specifier, target, typeOnly: isTypeOnly(node), line: lineOf(node) });
    }
    const text = literalText(node);
    if (text !== undefined && SQL.test(text))
      sql.push({ text: text.trim().split(/\s+/, 3).join(" "), line: lineOf(node) });
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { file: relative(repository, absolute), imports, sql };
}

/** The module an import, export-from, import(), require() or import("...") type names. */
function moduleSpecifier(node) {
  if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier !== undefined)
    return ts.isStringLiteral(node.moduleSpecifier) ? node.moduleSpecifier.text : undefined;
  if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference))
    return stringText(node.moduleReference.expression);
  if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) return stringText(node.argument.literal);
  if (ts.isCallExpression(node) && node.arguments.length > 0) {
    const callee = node.expression;
    const loads = callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === "require");
    return loads ? stringText(node.arguments[0]) : undefined;
  }
  return undefined;
}

/** Whether the import is erased from the JavaScript (verbatimModuleSyntax keeps `import { type X }`). */
function isTypeOnly(node) {
  if (ts.isImportDeclaration(node)) return node.importClause?.isTypeOnly === true;
  if (ts.isExportDeclaration(node) || ts.isImportEqualsDeclaration(node)) return node.isTypeOnly;
  return ts.isImportTypeNode(node);
}

function stringText(node) {
  return ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) ? node.text : undefined;
}

/** The text of a string or template literal; of a template, the part before its first `${}`. */
function literalText(node) {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  return ts.isTemplateExpression(node) ? node.head.text : undefined;
}

function resolveRelative(repository, from, specifier) {
  if (!specifier.startsWith(".")) return undefined;
  const named = path.resolve(path.dirname(from), specifier);
  const stem = named.replace(/\.[cm]?js$/, "");
  const found = [`${stem}.ts`, path.join(stem, "index.ts"), named].find((candidate) => isFile(candidate));
  return relative(repository, found ?? named);
}

/** The rules about what a folder may import, and where SQL may be written. */
function importRules(all) {
  const found = [];
  const add = (source, line, rule, advice) => found.push({ file: source.file, line, rule, advice });
  for (const source of all) {
    const exempt = [MYSQL_STORE, ...DATABASE_ELSEWHERE.map((e) => e.folder)].some((f) => source.file.startsWith(f));
    for (const i of source.imports) {
      if (!exempt && !i.typeOnly && isPackage(i.specifier, "mysql2"))
        add(source, i.line, "mysql2 only in store/mysql/", `it imports ${i.specifier}; ${STORE_ADVICE}`);
      const layer = layerRule(source.file, i);
      if (layer !== undefined) add(source, i.line, layer.rule, `it imports ${i.specifier}; ${layer.advice}`);
    }
    if (!exempt)
      for (const statement of source.sql)
        add(source, statement.line, "SQL only in store/mysql/", `"${statement.text} ..." is SQL; ${SQL_ADVICE}`);
  }
  return found;
}

const STORE_ADVICE =
  "reach the database through the Store interface in store/, which store/mysql/ implements (an `import type` of mysql2 is fine)";
const SQL_ADVICE =
  "move the statement into a function in packages/runtime/src/store/mysql/ and call it through the store";

/** The rule `file` breaks by importing `i`, with its advice, if any. */
function layerRule(file, i) {
  const folder = runtimeFolder(file);
  const target = i.target === undefined ? undefined : runtimeFolder(i.target);
  const within = (...folders) => folders.some((name) => folder?.startsWith(name) === true);
  if (within("replay/", "history/")) {
    const io = NODE_IO.has(i.specifier.replace(/^node:/, "")) || isPackage(i.specifier, "mysql2");
    const reaches = ["store/", "worker/", "client/"].find((other) => target?.startsWith(other));
    if (io || reaches !== undefined)
      return {
        rule: "replay/ and history/ do no I/O",
        advice:
          "the deterministic core gets what it needs as data or through an interface: do the I/O in worker/ or client/ and pass the result in",
      };
  }
  const mysql = target?.startsWith("store/mysql/") === true;
  if (mysql && within("client/"))
    return {
      rule: "client/ never imports store/mysql/",
      advice: "depend on the Store interface in store/; createClient in store/mysql/ wires the MySQL store in",
    };
  if (mysql && within("worker/", "ops/"))
    return {
      rule: "worker/ and ops/ never import store/mysql/",
      advice: "depend on the Store interface in store/, so that it runs on every store (memory and MySQL)",
    };
  return undefined;
}

/** `replay/`, `store/mysql/`...: the folder of a runtime file under src/, with a trailing slash. */
function runtimeFolder(file) {
  if (!file.startsWith(RUNTIME)) return undefined;
  const inside = file.slice(RUNTIME.length);
  return `${path.posix.dirname(inside)}/`;
}

/** One violation per cycle of files, on its first file, naming the whole loop. */
function cycles(all) {
  const graph = new Map(all.map((s) => [s.file, s.imports.map((i) => i.target).filter((t) => t !== undefined)]));
  return components(graph).map((component) => {
    const loop = shortestPath(graph, component[0], component[0]);
    const first = all.find((s) => s.file === loop[0]);
    const line = first?.imports.find((i) => i.target === loop[1])?.line ?? 1;
    const names = loop.map((file) => file.replace(/^packages\/[^/]+\/src\//, "")).join(" -> ");
    const advice = `${names}; move what they share into a module that none of them imports back`;
    return { file: loop[0], line, rule: "no import cycles", advice };
  });
}

/** The CLI's folders as a graph: one violation per import that closes a loop between folders. */
function cliFolderCycles(all) {
  const folderOf = (file) => (file.startsWith(CLI) ? file.slice(CLI.length).split("/").slice(0, -1)[0] : undefined);
  const edges = all.flatMap((s) =>
    s.imports.flatMap((i) => {
      const from = folderOf(s.file);
      const to = i.target === undefined ? undefined : folderOf(i.target);
      return from !== undefined && to !== undefined && from !== to ? [{ source: s, i, from, to }] : [];
    }),
  );
  const graph = new Map();
  for (const e of edges) graph.set(e.from, [...(graph.get(e.from) ?? []), e.to]);
  const looped = components(graph).map((component) => new Set(component));
  return edges.flatMap(({ source, i, from, to }) => {
    const at = { file: source.file, line: i.line };
    const imports = `${from}/ imports ${to}/ (${i.specifier})`;
    if (from === "shared")
      return [{ ...at, rule: "shared/ imports no other folder of the CLI", advice: `${imports}; ${FOLDER_ADVICE}` }];
    if (!looped.some((set) => set.has(from) && set.has(to))) return [];
    const loop = [from, ...shortestPath(graph, to, from)].map((folder) => `${folder}/`).join(" -> ");
    const advice = `${imports}, and the loop is ${loop}; ${FOLDER_ADVICE}`;
    return [{ ...at, rule: "the CLI's folders import each other without a cycle", advice }];
  });
}

const FOLDER_ADVICE = "move what the folders share into shared/, which imports none of them";

/** Strongly connected components with more than one node, or one node that imports itself (Tarjan). */
function components(graph) {
  const index = new Map();
  const low = new Map();
  const stack = [];
  const found = [];
  const visit = (node) => {
    index.set(node, index.size);
    low.set(node, index.get(node));
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (!index.has(next)) visit(next);
      if (stack.includes(next)) low.set(node, Math.min(low.get(node), low.get(next)));
    }
    if (low.get(node) !== index.get(node)) return;
    const component = stack.splice(stack.indexOf(node));
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return found;
}

/** A shortest path of imports from `from` to `to`, both included: a loop when they are the same. */
function shortestPath(graph, from, to) {
  const previous = new Map([[from, undefined]]);
  const queue = [from];
  while (queue.length > 0) {
    const node = queue.shift();
    for (const next of graph.get(node) ?? []) {
      if (next === to) return [...pathTo(previous, node), to];
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return [from, to];
}

function pathTo(previous, last) {
  const nodes = [];
  for (let node = last; node !== undefined; node = previous.get(node)) nodes.unshift(node);
  return nodes;
}

function isPackage(specifier, name) {
  return specifier === name || specifier.startsWith(`${name}/`);
}

function relative(repository, absolute) {
  return path.relative(repository, absolute).split(path.sep).join("/");
}

function safeList(dir) {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

function isDirectory(file) {
  return statSync(file, { throwIfNoEntry: false })?.isDirectory() === true;
}

function isFile(file) {
  return statSync(file, { throwIfNoEntry: false })?.isFile() === true;
}

main();
