import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import Handlebars from "handlebars";
import { CodegenError, TemplateError, TemplatesNotFoundError } from "../errors.js";
import { registerHelpers } from "./helpers.js";
import { templateDirCandidates } from "./template-dirs.js";

const MAIN = "replay_gen.ts.hbs";
/** Strict: a template that names a field its view does not have throws instead of printing nothing. */
const COMPILE = { noEscape: true, strict: true } as const;

/** Renders a template (the file, or one partial by its name) with the view it prints. */
export type Render = (view: object, partial?: string) => string;

let cached: Render | undefined;

/**
 * The templates, compiled once per process: the file's, and every other `.hbs` under the
 * templates folder as a partial named by its path without the extension (`workflow/flow`).
 */
export function loadTemplates(): Render {
  if (cached !== undefined) return cached;
  const candidates = templateDirCandidates();
  const dir = candidates.find((candidate) => existsSync(path.join(candidate, MAIN)));
  if (dir === undefined) throw new TemplatesNotFoundError(candidates);
  const handlebars = Handlebars.create();
  registerHelpers(handlebars);
  const partials = new Map<string, HandlebarsTemplateDelegate>();
  for (const file of partialFiles(dir)) {
    const name = file.slice(0, -".hbs".length).split(path.sep).join("/");
    const partial = handlebars.compile(readFileSync(path.join(dir, file), "utf8"), COMPILE);
    handlebars.registerPartial(name, partial);
    partials.set(name, partial);
  }
  const main = handlebars.compile(readFileSync(path.join(dir, MAIN), "utf8"), COMPILE);
  cached = (view, partial) => {
    const template = partial === undefined ? main : partials.get(partial);
    if (template === undefined) throw new TemplatesNotFoundError([path.join(dir, `${partial}.hbs`)]);
    try {
      return template(view);
    } catch (error) {
      if (error instanceof CodegenError) throw error;
      // Handlebars' own errors (a missing field in strict mode, an unknown partial) are template bugs too.
      throw new TemplateError(error instanceof Error ? error.message : String(error), { cause: error });
    }
  };
  return cached;
}

function partialFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".hbs") && file !== MAIN)
    .sort();
}
