// `npm run check -w @replaykit/docs [page.md ...]`: checks README.md and docs/*.md (or the pages
// given, relative to the repository root) and prints each problem as `file:line: message`.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkDocs } from "./check.js";
import { formatProblem } from "./problem.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const files = process.argv.slice(2);
process.stdout.write("docs: checking code blocks, excerpts and links (a first run compiles for a few seconds)\n");
const report = checkDocs(files.length > 0 ? { root, files } : { root });
for (const problem of report.problems) process.stdout.write(`${formatProblem(problem)}\n`);
const pages = `${report.pages} ${report.pages === 1 ? "page" : "pages"}`;
if (report.problems.length > 0) {
  const count = `${report.problems.length} ${report.problems.length === 1 ? "problem" : "problems"}`;
  process.stdout.write(`docs: ${count} in ${pages}; how blocks are checked: docs/architecture.md, "The docs check"\n`);
  process.exit(1);
}
process.stdout.write(
  `docs: ok: ${pages}, ${report.compiled} TypeScript blocks compiled, ${report.excerpts} excerpts found in their files\n`,
);
