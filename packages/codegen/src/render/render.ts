import type { NamespaceModel } from "../model/model.js";
import { buildRenderModel, type HeaderInfo } from "./build.js";
import { loadTemplate } from "./templates.js";

/** The text of `replay_gen.ts` for a namespace model: deterministic, formatted, ending in one newline. */
export function renderNamespace(ns: NamespaceModel, header: HeaderInfo): string {
  const text = loadTemplate()(buildRenderModel(ns, header));
  return `${text.replace(/\n{3,}/g, "\n\n").trimEnd()}\n`;
}
