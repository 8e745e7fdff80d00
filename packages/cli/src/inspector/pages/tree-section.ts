import type { RunDescription } from "@replaykit/runtime";
import { type Html, html } from "../html.js";
import type { RunTree, TreeNode } from "../tree.js";
import { runLink, statusBadge } from "./parts.js";

/** The run among its relatives: its ancestors from the root down, then its children and theirs, as links. */
export function treeSection(run: RunDescription, tree: RunTree): Html {
  if (tree.ancestors.length === 0 && tree.children.length === 0) return html``;
  const self = html`<li class="self"><span class="mono"><b>${run.workflow}/${run.runId}</b></span> ${statusBadge(run.status)} <small>this run</small>${childList(run.namespace, tree.children)}</li>`;
  const nested = tree.ancestors.reduceRight<Html>(
    (inner, ancestor) =>
      html`<li>${runLink(run.namespace, ancestor.workflow, ancestor.runId, `${ancestor.workflow}/${ancestor.runId}`)} ${statusBadge(ancestor.status)}<ul>${inner}</ul></li>`,
    self,
  );
  return html`<section class="relatives"><h2>Parent and children</h2><ul class="tree">${nested}</ul>${tree.cut ? html`<p class="hint">Some relatives are left out: the tree shows up to 100 descendants, 3 levels down.</p>` : ""}</section>`;
}

function childList(namespace: string, children: readonly TreeNode[]): Html | string {
  if (children.length === 0) return "";
  return html`<ul>${children.map(
    (child) =>
      html`<li data-child="${child.runId}">${runLink(namespace, child.workflow, child.runId, `${child.workflow}/${child.runId}`)} ${child.status === undefined ? html`<small>(purged)</small>` : statusBadge(child.status)} <small>${child.waited ? "waited for" : "started"}</small>${childList(namespace, child.children)}</li>`,
  )}</ul>`;
}
