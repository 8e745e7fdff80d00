// Lists the largest source files and functions of packages/*/src (tests left out).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
const roots = process.argv.slice(2);
const files = [];
const walk = (d) => { for (const f of readdirSync(d)) { const p = join(d, f); if (statSync(p).isDirectory()) { if (f !== "node_modules" && f !== "dist") walk(p); } else if (/\.ts$/.test(f) && !/\.(test|property\.test)\.ts$|\.d\.ts$/.test(f)) files.push(p); } };
for (const r of roots) walk(r);
const fileSizes = []; const fns = [];
for (const f of files) {
  const text = readFileSync(f, "utf8");
  fileSizes.push([text.split("\n").length, f]);
  const sf = ts.createSourceFile(f, text, ts.ScriptTarget.Latest, true);
  const visit = (node, owner) => {
    let name;
    if (ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isConstructorDeclaration(node) || ts.isGetAccessor(node)) {
      name = node.name?.getText?.() ?? (ts.isVariableDeclaration(node.parent) ? node.parent.name.getText() : ts.isPropertyAssignment(node.parent) ? node.parent.name.getText() : ts.isConstructorDeclaration(node) ? "constructor" : "<anon>");
      const s = sf.getLineAndCharacterOfPosition(node.getStart()).line; const e = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      fns.push([e - s + 1, `${f}:${s + 1}:${owner ? owner + "." : ""}${name}`]);
    }
    const nextOwner = ts.isClassDeclaration(node) ? node.name?.getText() : owner;
    ts.forEachChild(node, (c) => visit(c, nextOwner));
  };
  visit(sf, undefined);
}
const n = Number(process.env.TOP ?? 10);
console.log("largest files:"); for (const [l, f] of fileSizes.sort((a, b) => b[0] - a[0]).slice(0, n)) console.log(`  ${l}\t${f}`);
console.log("largest functions:"); for (const [l, f] of fns.sort((a, b) => b[0] - a[0]).slice(0, n)) console.log(`  ${l}\t${f}`);
