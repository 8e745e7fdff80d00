import { fitList, LINE_WIDTH, stringLiteral } from "./layout.js";

const I1 = "  ";
const I2 = "    ";

/** `parseWith(schema, value, "what")` when the item has a schema, else `value`. */
export function validated(schema: { local: string } | undefined, value: string, what: string): string {
  return schema === undefined ? value : `parseWith(${schema.local}, ${value}, ${stringLiteral(what)})`;
}

/** An interface method signature, its parameters broken over lines when long. */
export function member(name: string, params: readonly string[], returns: string): string {
  return I1 + fitList(I1, `${name}(`, params, `): ${returns};`);
}

/** `key: (x) => body` on one line when it fits, else the body on the next line, indented. */
export function wrapArrow(head: string, body: string): string {
  const oneLine = `${head} ${body}`;
  return oneLine.length <= LINE_WIDTH ? oneLine : `${head}\n${I2}${I1}${body}`;
}
