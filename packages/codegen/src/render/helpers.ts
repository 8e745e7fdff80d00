import type Handlebars from "handlebars";
import type { HelperOptions } from "handlebars";
import { TemplateError } from "../errors.js";
import { ids } from "../model/identifiers.js";
import type { JsonLiteral } from "../model/model.js";
import { args, group, indent, list, object, union, wrap } from "./layout/marks.js";
import { docComment, jsonLiteral, propertyAccess, propertyKey, stringLiteral } from "./syntax.js";

/**
 * The helpers every template may call (templates/README.md lists them):
 * - names: each of `ids` (`{{flow name}}` is `OrderFlow`), from stored names;
 * - expressions: `str`, `key`, `access`, `json`, `{{#doc}}`, `{{#parsed schema "value"}}`;
 * - layout: `{{#list}}`, `{{#args}}`, `{{#object}}`, `{{#block}}`, `{{#union}}` (one item per line
 *   of their content), `{{#wrap}}`, `{{#group}}` and `{{#indent}}`, which leave layout marks for
 *   printLayout.
 */
export function registerHelpers(handlebars: typeof Handlebars): void {
  for (const [name, identifier] of Object.entries(ids)) {
    handlebars.registerHelper(name, (...params: unknown[]) => {
      const names = strings(name, params.slice(0, -1));
      return (identifier as (...names: string[]) => string)(...names);
    });
  }
  const syntax: Record<string, (...params: string[]) => string> = {
    key: propertyKey,
    access: propertyAccess,
  };
  for (const [name, print] of Object.entries(syntax)) {
    handlebars.registerHelper(name, (...params: unknown[]) => print(...strings(name, params.slice(0, -1))));
  }
  handlebars.registerHelper("str", str);
  handlebars.registerHelper("json", (value: JsonLiteral | undefined) => {
    if (value === undefined)
      throw new TemplateError('helper "json" got undefined: the template names a field its view does not have');
    return jsonLiteral(value);
  });
  handlebars.registerHelper("parsed", parsed);
  const blocks: Record<string, (content: string) => string> = {
    doc: docComment,
    list: (content) => list(items(content)),
    args: (content) => args(items(content)),
    object: (content) => object(items(content)),
    block: (content) => object(items(content), true),
    union: (content) => union(items(content)),
    group,
    wrap,
    indent,
  };
  for (const [name, print] of Object.entries(blocks)) {
    handlebars.registerHelper(name, function (this: unknown, options: HelperOptions) {
      if (typeof options?.fn !== "function")
        throw new TemplateError(`{{${name}}} is a block helper: write {{#${name}}}...{{/${name}}}`);
      return print(options.fn(this));
    });
  }
}

/** `{{str value}}`, or `{{#str}}text{{/str}}`: a string literal. */
function str(this: unknown, ...params: unknown[]): string {
  const options = params.pop() as HelperOptions;
  if (params.length === 0 && typeof options.fn === "function") return stringLiteral(options.fn(this));
  const [value = ""] = strings("str", params);
  return stringLiteral(value);
}

/**
 * `{{#parsed schema "value"}}what{{/parsed}}`: `value` as the schema parses it
 * (`parseWith(Schema, value, "what")`, the error naming `what`), or `value` without a schema.
 */
function parsed(this: unknown, schema: unknown, value: unknown, options: HelperOptions): string {
  const [text] = strings("parsed", [value]);
  if (schema === undefined) return text ?? "";
  const [local] = strings("parsed", [schema]);
  return `parseWith(${args([local ?? "", text ?? "", stringLiteral(options.fn(this))])})`;
}

/** The items of a list helper: the lines of its content, trimmed, without the empty ones. */
function items(content: string): string[] {
  return content
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
}

/** The parameters of a helper, which must be strings: anything else is a field the view does not have. */
function strings(helper: string, params: readonly unknown[]): string[] {
  return params.map((param, index) => {
    if (typeof param === "string") return param;
    throw new TemplateError(
      `helper "${helper}" got ${String(param)} as parameter ${index + 1}, not a string: the template names a field its view does not have`,
    );
  });
}
