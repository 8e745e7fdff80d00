import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import Handlebars from "handlebars";
import { TemplatesNotFoundError } from "../errors.js";
import type { RenderModel } from "./render-model.js";
import { templateDirCandidates } from "./template-dirs.js";

const MAIN = "replay_gen.ts.hbs";
const PARTIALS = ["interface", "function"] as const;

let cached: ((model: RenderModel) => string) | undefined;

/** The compiled main template, with its partials registered; compiled once per process. */
export function loadTemplate(): (model: RenderModel) => string {
  if (cached !== undefined) return cached;
  const candidates = templateDirCandidates();
  const dir = candidates.find((candidate) => existsSync(path.join(candidate, MAIN)));
  if (dir === undefined) throw new TemplatesNotFoundError(candidates);
  const handlebars = Handlebars.create();
  for (const partial of PARTIALS) {
    const source = readFileSync(path.join(dir, `${partial}.hbs`), "utf8");
    handlebars.registerPartial(partial, handlebars.compile(source, { noEscape: true, strict: true }));
  }
  const main = handlebars.compile(readFileSync(path.join(dir, MAIN), "utf8"), { noEscape: true, strict: true });
  cached = (model) => main(model);
  return cached;
}
