import { describe, expect, it } from "vitest";
import { TemplateError } from "../../errors.js";
import { args, escapeMarks, group, indent, list, MARK, object, union, wrap } from "./marks.js";
import { LINE_WIDTH, printLayout } from "./print.js";

/** A name that makes `prefix` + `name` + `suffix` exactly `width` characters long. */
function padded(prefix: string, suffix: string, width: number): string {
  return "x".repeat(width - prefix.length - suffix.length);
}

describe("printLayout", () => {
  it("prints a list on one line when it fits up to the end of its line, the width included", () => {
    const name = padded("f(a, ", "): void {", LINE_WIDTH);
    expect(printLayout(`f(${list(["a", name])}): void {\n`)).toBe(`f(a, ${name}): void {\n`);
  });

  it("breaks a list one item per line, with a trailing comma, when its line would pass the width", () => {
    const name = padded("f(a, ", "): void {", LINE_WIDTH + 1);
    expect(printLayout(`f(${list(["a", name])}): void {`)).toBe(`f(\n  a,\n  ${name},\n): void {`);
  });

  it("indents a broken group from the line it opened on, not from its column", () => {
    const long = "y".repeat(LINE_WIDTH);
    expect(printLayout(`    return call(${list(["a", long])});`)).toBe(
      `    return call(\n      a,\n      ${long},\n    );`,
    );
  });

  it("decides an inner group on its own line once the outer one broke", () => {
    const long = "z".repeat(LINE_WIDTH - 10);
    const text = `[${list([object(["a: 1"]), object([`b: ${long}`, "c: 2"])])}]`;
    expect(printLayout(text)).toBe(`[\n  { a: 1 },\n  {\n    b: ${long},\n    c: 2,\n  },\n]`);
  });

  it("hugs a call's last object argument when the line up to its brace fits", () => {
    const field = `queue: ${"q".repeat(LINE_WIDTH)}`;
    const text = `  return run(${args(["A", "B", object(["...opts", field])])});`;
    expect(printLayout(text)).toBe(`  return run(A, B, {\n    ...opts,\n    ${field},\n  });`);
  });

  it("breaks every argument when even the line up to the hugged brace is too long", () => {
    const first = "a".repeat(LINE_WIDTH);
    const text = `run(${args([first, object(["x", "y"])])});`;
    expect(printLayout(text)).toBe(`run(\n  ${first},\n  { x, y },\n);`);
  });

  it("does not hug a last argument that is not an object", () => {
    const last = "b".repeat(LINE_WIDTH);
    expect(printLayout(`run(${args(["a", last])});`)).toBe(`run(\n  a,\n  ${last},\n);`);
  });

  it("keeps an expanded object broken however short, and prints an empty one as {}", () => {
    expect(printLayout(`x: ${object(["a: 1"], true)},`)).toBe("x: {\n  a: 1,\n},");
    expect(printLayout(`x: ${object([], true)},`)).toBe("x: {},");
  });

  it("wraps content onto the next line, one level further in, when its line is too long", () => {
    const value = `"${"v".repeat(LINE_WIDTH - 25)}";`;
    expect(printLayout(`  export const A =${wrap(value)}`)).toBe(`  export const A = ${value}`);
    expect(printLayout(`  export const LONGER_NAME_HERE =${wrap(value)}`)).toBe(
      `  export const LONGER_NAME_HERE =\n    ${value}`,
    );
  });

  it("breaks the body of a group onto its own line when the group's head breaks", () => {
    const param = "p".repeat(LINE_WIDTH);
    const text = group(`f: (${list([param])}) =>${indent("body(),")}`);
    expect(printLayout(text)).toBe(`f: (\n  ${param},\n) =>\n  body(),`);
  });

  it("breaks a union before each member", () => {
    const member = "M".repeat(LINE_WIDTH / 2);
    expect(printLayout(`type T =${union(["A", "B"])};`)).toBe("type T = A | B;");
    expect(printLayout(`type T =${union([member, member])};`)).toBe(`type T =\n  | ${member}\n  | ${member};`);
  });

  it("prints text from the manifest that holds mark characters as written", () => {
    const text = `/** ${MARK.group}${MARK.escape}${MARK.close} */`;
    expect(printLayout(escapeMarks(text))).toBe(text);
  });

  it("refuses groups that do not balance with a TemplateError", () => {
    expect(() => printLayout(`${MARK.group}open`)).toThrow(TemplateError);
    expect(() => printLayout(`close${MARK.close}`)).toThrow(TemplateError);
  });
});
