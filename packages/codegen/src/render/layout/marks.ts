/**
 * The layout marks the template helpers write into their output, and that `printLayout` turns into
 * line breaks (or not) once the whole file is rendered and every column is known.
 *
 * A group is printed flat when it fits on the rest of its line, else broken. A break belongs to
 * the innermost group: flat, it prints its flat text; broken, a newline indented from the line the
 * group opened on (two spaces further in, or back at that line's indentation).
 *
 * Marks are characters of Unicode's private use area; the same characters in text from the
 * manifest are escaped before rendering (`escapeMarks`) and printed as themselves.
 */

export const MARK = {
  /** Opens a group: flat when it fits, else broken. */
  group: "\uE000",
  /** Opens a call's arguments: flat, else only its last argument (an object) broken, else broken. */
  hugLast: "\uE001",
  /** Opens a group that is always broken (an object biome keeps expanded). */
  broken: "\uE002",
  close: "\uE003",
  /** Flat a space; broken a newline, indented one level. */
  line: "\uE004",
  /** Flat nothing; broken a newline, indented one level. */
  softline: "\uE005",
  /** Flat a space; broken a newline at the group's own indentation. */
  lineOut: "\uE006",
  /** Flat nothing; broken a newline at the group's own indentation. */
  softlineOut: "\uE007",
  /** A comma when the group is broken (the trailing comma biome adds). */
  trailingComma: "\uE008",
  /** `| ` when the group is broken (before the first member of a union broken over lines). */
  leadingBar: "\uE009",
  /** Escapes the next character: it stands for a mark character that came from the manifest. */
  escape: "\uE00F",
} as const;

const MARKS = /[\uE000-\uE00F]/g;
/** Escaped characters are shifted out of the mark range, so an escaped one is never read as a mark. */
const SHIFT = 0x10;

/** Text from the manifest with its mark characters escaped: printed as written, never as layout. */
export function escapeMarks(text: string): string {
  return text.replace(MARKS, (char) => MARK.escape + String.fromCharCode(char.charCodeAt(0) + SHIFT));
}

/** The character an escape stands for. */
export function unescapeMark(escaped: string): string {
  return String.fromCharCode(escaped.charCodeAt(0) - SHIFT);
}

/** `a, b` on one line, else one item per line, indented, each with a comma (wrap it in parentheses or brackets). */
export function list(items: readonly string[]): string {
  if (items.length === 0) return "";
  return `${MARK.group}${MARK.softline}${items.join(`,${MARK.line}`)}${MARK.trailingComma}${MARK.softlineOut}${MARK.close}`;
}

/** A call's arguments: as `list`, but when they do not fit and the last one is an object, that object alone breaks. */
export function args(items: readonly string[]): string {
  if (items.length === 0) return "";
  return `${MARK.hugLast}${MARK.softline}${items.join(`,${MARK.line}`)}${MARK.trailingComma}${MARK.softlineOut}${MARK.close}`;
}

/** An object literal (or named imports): `{ a, b }`, else one entry per line; `{}` when empty. */
export function object(items: readonly string[], expanded = false): string {
  if (items.length === 0) return "{}";
  const open = expanded ? MARK.broken : MARK.group;
  return `${open}{${MARK.line}${items.join(`,${MARK.line}`)}${MARK.trailingComma}${MARK.lineOut}}${MARK.close}`;
}

/** A union type after `=`: ` A | B` on the line, else each member on its own line after `| `, indented. */
export function union(members: readonly string[]): string {
  if (members.length === 0) return "";
  return `${MARK.group}${MARK.line}${MARK.leadingBar}${members.join(`${MARK.line}| `)}${MARK.close}`;
}

/** A group around `content`. */
export function group(content: string): string {
  return `${MARK.group}${content}${MARK.close}`;
}

/** A space before `content`, or, when the enclosing group breaks, a new line one level further in. */
export function indent(content: string): string {
  return `${MARK.line}${content}`;
}

/** `content` after a space when the line fits, else on the next line, one level further in. */
export function wrap(content: string): string {
  return group(indent(content));
}
