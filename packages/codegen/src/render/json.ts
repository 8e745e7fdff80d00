import type { JsonLiteral } from "../model/model.js";
import { LINE_WIDTH, propertyKey, stringLiteral } from "./layout.js";

/**
 * A JSON value as TypeScript source the way biome prints it: on one line when `head` (which starts
 * with the indentation), the value and `tail` fit, else objects and arrays broken one entry per line, inner ones
 * only when they do not fit either. Object keys keep their order.
 */
export function printJson(value: JsonLiteral, indent: string, head: string, tail: string): string {
  const flat = flatJson(value);
  const fits = head.length + flat.length + tail.length <= LINE_WIDTH;
  if (fits || value === null || typeof value !== "object" || !isComposite(value)) return `${head}${flat}${tail}`;
  const inner = `${indent}  `;
  if (isArray(value)) {
    const items = value.map((item) => printJson(item, inner, inner, ","));
    return `${head}[\n${items.join("\n")}\n${indent}]${tail}`;
  }
  const entries = Object.entries(value).map(([key, item]) =>
    printJson(item, inner, `${inner}${propertyKey(key)}: `, ","),
  );
  return `${head}{\n${entries.join("\n")}\n${indent}}${tail}`;
}

/** Array.isArray does not narrow readonly arrays. */
function isArray(value: JsonLiteral): value is readonly JsonLiteral[] {
  return Array.isArray(value);
}

function flatJson(value: JsonLiteral): string {
  if (value === null) return "null";
  if (typeof value === "string") return stringLiteral(value);
  if (typeof value !== "object") return String(value);
  if (isArray(value)) return `[${value.map(flatJson).join(", ")}]`;
  const entries = Object.entries(value);
  if (entries.length === 0) return "{}";
  return `{ ${entries.map(([key, item]) => `${propertyKey(key)}: ${flatJson(item)}`).join(", ")} }`;
}

function isComposite(value: object): boolean {
  return Object.keys(value).length > 0;
}
