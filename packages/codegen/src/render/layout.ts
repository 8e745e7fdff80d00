/** Line-layout decisions made the way biome (prettier style, width 120) makes them, so output needs no reformatting. */

export const LINE_WIDTH = 120;

/**
 * `head` + comma-separated `items` + `tail` on one line when it fits at `indent`,
 * else one item per line with trailing commas.
 */
export function fitList(indent: string, head: string, items: readonly string[], tail: string): string {
  const oneLine = `${head}${items.join(", ")}${tail}`;
  if (items.length === 0 || indent.length + oneLine.length <= LINE_WIDTH) return oneLine;
  const inner = `${indent}  `;
  return `${head}\n${items.map((item) => `${inner}${item},`).join("\n")}\n${indent}${tail}`;
}

/** A string literal as biome prints it: double quotes unless single quotes need fewer escapes. */
export function stringLiteral(value: string): string {
  const doubles = value.split('"').length - 1;
  const singles = value.split("'").length - 1;
  if (doubles <= singles) return JSON.stringify(value);
  const body = JSON.stringify(value).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'");
  return `'${body}'`;
}

/** A property key: bare when it is an identifier, else a string literal. */
export function propertyKey(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : stringLiteral(name);
}

/** `object.name` or `object["name"]`. */
export function propertyAccess(object: string, name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? `${object}.${name}` : `${object}[${stringLiteral(name)}]`;
}

/** A one-line JSDoc comment; `*\/` cannot end it early. */
export function docComment(indent: string, text: string): string {
  const clean = text.replace(/\s+/g, " ").replace(/\*\//g, "*\\/").trim();
  return `${indent}/** ${clean} */`;
}

/** `export interface Name extends Base {`, with `extends` on its own line when the head is too long (as biome breaks it). */
export function interfaceHead(name: string, base: string): string {
  const head = `export interface ${name} extends ${base} {`;
  return head.length <= LINE_WIDTH ? head : `export interface ${name}\n  extends ${base} {`;
}

/**
 * A call whose last argument is an object literal of `fields`: on one line when it fits, else with
 * the object hugged (`f(a, b, {` ... `})`, as biome prefers), else one argument per line.
 */
export function callWithObject(
  indent: string,
  head: string,
  args: readonly string[],
  fields: readonly string[],
  tail: string,
): string {
  const object = `{ ${fields.join(", ")} }`;
  const oneLine = `${indent}${head}${[...args, object].join(", ")}${tail}`;
  if (oneLine.length <= LINE_WIDTH) return oneLine;
  const hugged = `${indent}${head}${[...args, "{"].join(", ")}`;
  if (hugged.length <= LINE_WIDTH) {
    const inner = `${indent}  `;
    return `${hugged}\n${fields.map((field) => `${inner}${field},`).join("\n")}\n${indent}}${tail}`;
  }
  return indent + fitList(indent, head, [...args, object], tail);
}
