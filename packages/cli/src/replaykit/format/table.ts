/** A column of a table for people: a heading, and right alignment for numbers. */
export interface Column {
  readonly heading: string;
  readonly align?: "left" | "right";
}

/**
 * Rows as aligned text: columns two spaces apart, headings in capitals, the last column not
 * padded (it may be long), and control characters of stored values shown as escapes so a
 * payload cannot move the cursor or colour the terminal.
 */
export function table(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const cells = rows.map((row) => row.map(printable));
  const headings = columns.map((column) => column.heading.toUpperCase());
  const widths = headings.map((heading, i) => Math.max(heading.length, ...cells.map((row) => (row[i] ?? "").length)));
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) => {
        if (i === row.length - 1 && columns[i]?.align !== "right") return cell;
        const width = widths[i] ?? 0;
        return columns[i]?.align === "right" ? cell.padStart(width) : cell.padEnd(width);
      })
      .join("  ")
      .trimEnd();
  return [line(headings), ...cells.map(line)].join("\n");
}

/** Label/value pairs, labels padded to one width. */
export function fields(pairs: readonly (readonly [string, string])[]): string {
  const width = Math.max(...pairs.map(([label]) => label.length));
  return pairs.map(([label, value]) => `${label.padEnd(width)}  ${printable(value)}`).join("\n");
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Escapes C0/C1 control characters (except newline and tab) as \u{..}. */
export function printable(text: string): string {
  return text.replace(CONTROL, (char) => `\\u{${char.charCodeAt(0).toString(16)}}`);
}
