// Relative links of the pages must lead somewhere: to a file or folder of the repository, and
// to a heading of the page when they name an anchor.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, normalize, resolve } from "node:path";
import { type Link, type Page, parsePage } from "./markdown.js";
import type { Problem } from "./problem.js";

export function checkLinks(root: string, pages: ReadonlyMap<string, Page>): Problem[] {
  const problems: Problem[] = [];
  for (const page of pages.values()) {
    for (const link of page.links) {
      const problem = checkLink(root, pages, link);
      if (problem !== undefined) problems.push(problem);
    }
  }
  return problems;
}

function checkLink(root: string, pages: ReadonlyMap<string, Page>, link: Link): Problem | undefined {
  if (/^[a-z]+:/i.test(link.target)) return undefined;
  const [path = "", anchor] = link.target.split("#", 2);
  const file = path === "" ? link.file : normalize(join(dirname(link.file), decodeURIComponent(path)));
  if (!existsSync(resolve(root, file))) {
    return { ...at(link), message: `link to ${link.target}: ${file} does not exist` };
  }
  if (anchor === undefined || !file.endsWith(".md")) return undefined;
  const target = pages.get(file) ?? parsePage(file, readFileSync(resolve(root, file), "utf8"));
  if (target.anchors.has(anchor)) return undefined;
  return { ...at(link), message: `link to ${link.target}: ${file} has no heading with the anchor #${anchor}` };
}

/** The README is the map of the docs: it links every page of docs/. */
export function checkMap(
  readme: { readonly file: string; readonly page: Page },
  docPages: readonly string[],
): Problem[] {
  const linked = new Set(
    readme.page.links.map((link) => normalize(join(dirname(link.file), link.target.split("#")[0] ?? ""))),
  );
  return docPages
    .filter((page) => !linked.has(page))
    .map((page) => ({ file: readme.file, line: 1, message: `${page} is not linked: add it to the map of the docs` }));
}

function at(link: Link): Pick<Problem, "file" | "line"> {
  return { file: link.file, line: link.line };
}
