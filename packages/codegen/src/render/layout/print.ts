import { TemplateError } from "../../errors.js";
import { MARK, unescapeMark } from "./marks.js";

/** The line width biome formats the generated file to. */
export const LINE_WIDTH = 120;

type Mode = "flat" | "broken";

interface Group {
  readonly kind: "group";
  /** How it opened: `auto` fits or breaks, `hugLast` may break only its last child, `broken` always breaks. */
  readonly open: "auto" | "hugLast" | "broken";
  readonly children: Node[];
}

interface Break {
  readonly kind: "break";
  /** What it prints when its group is flat. */
  readonly flat: string;
  /** Broken: one level further in than the line its group opened on, or at that line's indentation. */
  readonly indented: boolean;
}

interface IfBroken {
  readonly kind: "ifBroken";
  readonly text: string;
}

type Node = string | Group | Break | IfBroken;

const OPENS: Record<string, Group["open"]> = {
  [MARK.group]: "auto",
  [MARK.hugLast]: "hugLast",
  [MARK.broken]: "broken",
};
const BREAKS: Record<string, Break> = {
  [MARK.line]: { kind: "break", flat: " ", indented: true },
  [MARK.softline]: { kind: "break", flat: "", indented: true },
  [MARK.lineOut]: { kind: "break", flat: " ", indented: false },
  [MARK.softlineOut]: { kind: "break", flat: "", indented: false },
};

/** Reads rendered text with layout marks into a tree of text, groups and breaks. */
function parseLayout(text: string): Node[] {
  const root: Node[] = [];
  const stack: Node[][] = [root];
  let plain = "";
  const children = () => stack[stack.length - 1] ?? root;
  const flushText = () => {
    if (plain !== "") children().push(plain);
    plain = "";
  };
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i);
    const open = OPENS[char];
    const lineBreak = BREAKS[char];
    if (char === MARK.escape) plain += unescapeMark(text.charAt(++i));
    else if (char < MARK.group || char > MARK.escape) plain += char;
    else flushText();
    if (open !== undefined) {
      const group: Group = { kind: "group", open, children: [] };
      children().push(group);
      stack.push(group.children);
    } else if (char === MARK.close) {
      if (stack.length === 1) throw new TemplateError("a layout group closes that was never opened");
      stack.pop();
    } else if (lineBreak !== undefined) children().push(lineBreak);
    else if (char === MARK.trailingComma) children().push({ kind: "ifBroken", text: "," });
    else if (char === MARK.leadingBar) children().push({ kind: "ifBroken", text: "| " });
  }
  flushText();
  if (stack.length !== 1) throw new TemplateError("a layout group opens that is never closed");
  return root;
}

/** One step of printing: a node, with the mode and the indentation of the group it belongs to. */
interface Command {
  readonly node: Node;
  readonly mode: Mode;
  /** Indentation of the line the group opened on. */
  readonly base: number;
  /** Set on a hugged last argument: broken whatever its own width. */
  readonly forceBroken?: true;
}

/** Prints rendered text with layout marks as biome would lay it out at LINE_WIDTH. */
export function printLayout(text: string): string {
  const out: string[] = [];
  let line = "";
  const write = (piece: string) => {
    const lines = piece.split("\n");
    if (lines.length > 1) {
      out.push(line + lines.slice(0, -1).join("\n"));
      line = "";
    }
    line += lines[lines.length - 1] ?? "";
  };
  const commands: Command[] = parseLayout(text)
    .reverse()
    .map((node) => ({ node, mode: "broken", base: 0 }));
  for (let command = commands.pop(); command !== undefined; command = commands.pop()) {
    const { node, mode, base } = command;
    if (typeof node === "string") write(node);
    else if (node.kind === "ifBroken") write(mode === "broken" ? node.text : "");
    else if (node.kind === "break") {
      write(mode === "flat" ? node.flat : `\n${" ".repeat(base + (node.indented ? 2 : 0))}`);
    } else commands.push(...groupCommands(node, command, line, commands));
  }
  out.push(line);
  return out.join("\n");
}

/**
 * The children of a group to print next (reversed, for the stack), in the mode that fits: flat
 * when the group fits on the rest of its line; for a call's arguments, else flat with the last
 * argument (an object) alone broken when the line up to its brace fits; else broken.
 */
function groupCommands(group: Group, command: Command, line: string, rest: readonly Command[]): Command[] {
  const base = line.length - line.trimStart().length;
  const width = LINE_WIDTH - line.length;
  const hugged = group.open === "hugLast" ? lastGroup(group) : undefined;
  let mode: Mode = "broken";
  let hug = false;
  if (command.forceBroken !== true && group.open !== "broken") {
    if (command.mode === "flat" || fits(group.children, undefined, rest, width)) mode = "flat";
    else if (hugged !== undefined && fits(group.children, hugged, [], width)) [mode, hug] = ["flat", true];
  }
  return group.children
    .map((node): Command => (hug && node === hugged ? { node, mode, base, forceBroken: true } : { node, mode, base }))
    .reverse();
}

/** The group that is a hugLast group's last argument, when it ends with one (else it cannot hug). */
function lastGroup(group: Group): Group | undefined {
  const last = group.children.findLast((node) => typeof node === "string" || node.kind === "group");
  return last !== undefined && typeof last !== "string" && last.kind === "group" ? last : undefined;
}

/**
 * True when `nodes` printed flat, then what follows them up to the end of the line, fit in
 * `width` columns. With `broken`, that one group is measured broken: only up to its first break.
 */
function fits(nodes: readonly Node[], broken: Group | undefined, rest: readonly Command[], width: number): boolean {
  let remaining = width;
  const pending: [Node, Mode][] = nodes.map((node): [Node, Mode] => [node, "flat"]).reverse();
  let restIndex = rest.length - 1;
  while (remaining >= 0) {
    let next = pending.pop();
    if (next === undefined) {
      const command = rest[restIndex--];
      if (command === undefined) return true;
      next = [command.node, command.forceBroken === true ? "broken" : command.mode];
    }
    const [node, mode] = next;
    if (typeof node === "string") {
      const end = node.indexOf("\n");
      remaining -= end === -1 ? node.length : end;
      if (end !== -1) return remaining >= 0;
    } else if (node.kind === "break") {
      if (mode === "broken") return true;
      remaining -= node.flat.length;
    } else if (node.kind === "ifBroken") {
      if (mode === "broken") remaining -= node.text.length;
    } else {
      const childMode = node === broken || node.open === "broken" ? "broken" : mode;
      pending.push(...node.children.map((child): [Node, Mode] => [child, childMode]).reverse());
    }
  }
  return false;
}
