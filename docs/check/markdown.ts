// Reads the fenced code blocks of a Markdown page, each with the HTML comment that may stand
// just before it (the block's hidden context), and the page's links and headings.

/** A fenced code block; lines are 1-based line numbers of the page. */
export interface CodeBlock {
  readonly file: string;
  /** The language of the fence's info string (`ts`, `sh`, ...), "" when the fence names none. */
  readonly lang: string;
  /** The line of the opening fence. */
  readonly fenceLine: number;
  /** The block's lines, without the fence's own indentation. */
  readonly code: readonly string[];
  /** The HTML comment just before the fence (only blank lines between), if any. */
  readonly comment?: { readonly line: number; readonly text: string };
}

export interface Link {
  readonly file: string;
  readonly line: number;
  readonly target: string;
}

export interface Page {
  readonly blocks: readonly CodeBlock[];
  readonly links: readonly Link[];
  /** GitHub's anchors of the page's headings (`## The inspector` -> `the-inspector`). */
  readonly anchors: ReadonlySet<string>;
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^`\s]*)/;
const HEADING = /^#{1,6}\s+(.*?)\s*#*\s*$/;
const LINK = /\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g;

export function parsePage(file: string, text: string): Page {
  const lines = text.split("\n");
  const blocks: CodeBlock[] = [];
  const links: Link[] = [];
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const fence = FENCE.exec(line);
    if (fence) {
      const [, indent = "", marker = "", lang = ""] = fence;
      const end = closingFence(lines, i + 1, marker);
      const code = lines.slice(i + 1, end).map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l.trimStart()));
      const comment = commentBefore(lines, i);
      blocks.push({ file, lang, fenceLine: i + 1, code, ...(comment ? { comment } : {}) });
      i = end;
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) anchors.add(uniqueAnchor(slug(heading[1] ?? ""), seen));
    for (const match of line.matchAll(LINK)) links.push({ file, line: i + 1, target: match[1] ?? "" });
  }
  return { blocks, links, anchors };
}

function closingFence(lines: readonly string[], from: number, marker: string): number {
  for (let i = from; i < lines.length; i++) {
    const trimmed = (lines[i] ?? "").trim();
    if (trimmed.startsWith(marker) && /^[`~]+$/.test(trimmed) && trimmed[0] === marker[0]) return i;
  }
  return lines.length;
}

function commentBefore(lines: readonly string[], fenceIndex: number): CodeBlock["comment"] {
  let end = fenceIndex - 1;
  while (end >= 0 && (lines[end] ?? "").trim() === "") end--;
  if (end < 0 || !(lines[end] ?? "").trimEnd().endsWith("-->")) return undefined;
  let start = end;
  while (start >= 0 && !(lines[start] ?? "").includes("<!--")) start--;
  if (start < 0) return undefined;
  const text = lines
    .slice(start, end + 1)
    .join("\n")
    .replace(/^\s*<!--/, "")
    .replace(/-->\s*$/, "");
  return { line: start + 1, text };
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .replace(/`/g, "")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

function uniqueAnchor(anchor: string, seen: Map<string, number>): string {
  const count = seen.get(anchor) ?? 0;
  seen.set(anchor, count + 1);
  return count === 0 ? anchor : `${anchor}-${count}`;
}
