import type { JsonLiteral } from "../model/model.js";
import { list, object } from "./layout/marks.js";

/** TypeScript syntax as biome prints it: literals, keys, comments. */

/** A string literal: double quotes unless single quotes need fewer escapes. */
export function stringLiteral(value: string): string {
  const doubles = value.split('"').length - 1;
  const singles = value.split("'").length - 1;
  if (doubles <= singles) return JSON.stringify(value);
  const body = JSON.stringify(value).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'");
  return `'${body}'`;
}

const ASCII_IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** A property key: bare when it is an identifier, else a string literal. */
export function propertyKey(name: string): string {
  return ASCII_IDENTIFIER.test(name) ? name : stringLiteral(name);
}

/** `object.name` or `object["name"]`. */
export function propertyAccess(object: string, name: string): string {
  return ASCII_IDENTIFIER.test(name) ? `${object}.${name}` : `${object}[${stringLiteral(name)}]`;
}

/** A one-line JSDoc comment; `*\/` cannot end it early. */
export function docComment(text: string): string {
  const clean = text.replace(/\s+/g, " ").replace(/\*\//g, "*\\/").trim();
  return `/** ${clean} */`;
}

/** A JSON value as a literal, its objects and arrays broken (with layout marks) where they do not fit. Keys keep their order. */
export function jsonLiteral(value: JsonLiteral): string {
  if (value === null) return "null";
  if (typeof value === "string") return stringLiteral(value);
  if (typeof value !== "object") return String(value);
  if (isArray(value)) return `[${list(value.map(jsonLiteral))}]`;
  return object(Object.entries(value).map(([key, item]) => `${propertyKey(key)}: ${jsonLiteral(item)}`));
}

/** Array.isArray does not narrow readonly arrays. */
function isArray(value: JsonLiteral): value is readonly JsonLiteral[] {
  return Array.isArray(value);
}
