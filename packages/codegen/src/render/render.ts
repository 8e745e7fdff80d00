import type { NamespaceModel } from "../model/model.js";
import { buildFileView, type HeaderInfo } from "./build-view.js";
import { escapeView } from "./escape-view.js";
import { printLayout } from "./layout/print.js";
import { loadTemplates } from "./templates.js";

/** The text of `replay_gen.ts` for a namespace model: deterministic, formatted, ending in one newline. */
export function renderNamespace(ns: NamespaceModel, header: HeaderInfo): string {
  return printView(escapeView(buildFileView(ns, header)));
}

/**
 * A view printed by the file's template (or by one partial), laid out: templates end each
 * section with a blank line and leave out what a view does not use, so runs of blank lines
 * and the indentation of blank lines are dropped here.
 */
export function printView(view: object, partial?: string): string {
  const text = printLayout(loadTemplates()(view, partial));
  return `${text
    .replace(/[ \t]+$/gm, "")
    .replace(/\n{3,}/g, "\n\n")
    .trimEnd()}\n`;
}
