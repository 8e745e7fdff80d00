import { type Html, href, html } from "../html.js";
import { type ErrorGroup, TRIAGED_PER_STATUS, type TriageData } from "../triage.js";
import { layout } from "./layout.js";
import { runLink, statusBadge } from "./parts.js";

/** The triage view: stuck and failed runs grouped by error, with the count per group and links to the runs. */
export function triagePage(data: TriageData): Html {
  const content = html`<main class="page">
<h1>Triage <small>stuck and failed runs of namespace ${data.namespace}, grouped by error</small></h1>
<section id="live" data-partial="${href("/triage", { ns: data.namespace, partial: "1" })}" data-poll="10000">${triageLive(data)}</section>
</main>`;
  return layout("Triage", data.namespace, content, undefined, { path: "/triage", namespaces: data.namespaces });
}

export function triageLive(data: TriageData): Html {
  if (data.groups.length === 0)
    return html`<p class="empty">No stuck or failed runs in namespace ${data.namespace}.</p>`;
  const partial =
    data.read < data.total
      ? html`<p class="hint">Grouped: the newest ${TRIAGED_PER_STATUS} runs of each status, ${data.read} of ${data.total}.</p>`
      : "";
  return html`<p class="triage-total"><b>${data.total}</b> stuck or failed runs in <b>${data.groups.length}</b> group${data.groups.length === 1 ? "" : "s"}.</p>${partial}
<table class="grid triage">
<thead><tr><th class="num">runs</th><th>status</th><th>workflow</th><th>error</th><th>newest runs</th></tr></thead>
<tbody>${data.groups.map((group) => groupRow(data.namespace, group))}</tbody>
</table>`;
}

function groupRow(namespace: string, group: ErrorGroup): Html {
  const all = href("/", { ns: namespace, status: group.status, workflow: group.workflow });
  return html`<tr class="error-group">
  <td class="num"><b>${group.count}</b></td>
  <td>${statusBadge(group.status)}</td>
  <td>${group.workflow}</td>
  <td class="mono signature">${group.signature}</td>
  <td>${group.samples.map((run) => html`${runLink(namespace, run.workflow, run.runId)} `)}<a class="all" href="${all}">all ${group.status} ${group.workflow} runs →</a></td>
</tr>`;
}
