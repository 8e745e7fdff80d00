import { type RunCounts, RunStatus, type Tags } from "@replaykit/runtime";
import { type RunsData, type RunsQuery, SINCE_WINDOWS } from "../data.js";
import { type Html, href, html } from "../html.js";
import { tagText } from "../tags.js";
import { bulkPanel } from "./bulk-panel.js";
import { layout } from "./layout.js";
import { runLink, statusBadge, when } from "./parts.js";

const STATUSES = Object.values(RunStatus);

/** The runs page: filters, counts per status and workflow, one page of runs (newest first), live. */
export function runsPage(data: RunsData): Html {
  const events = href("/events", { ns: data.query.namespace, scope: "runs" });
  const content = html`<main class="page">
${filters(data)}
${bulkPanel(data.query)}
<section id="live" data-partial="${partialHref(data.query)}">${runsLive(data)}</section>
</main>`;
  const nav = { path: "/", namespaces: data.namespaces };
  return layout("Runs", data.query.namespace, content, { events, after: data.after }, nav);
}

/** The part of the runs page that live updates fetch again. */
export function runsLive(data: RunsData): Html {
  return html`${countsSection(data.query, data.counts)}${runsTable(data)}`;
}

function partialHref(query: RunsQuery): string {
  return href("/", { ...queryParams(query), partial: "1" });
}

function queryParams(query: RunsQuery): Record<string, string | undefined> {
  const { namespace, workflow, status, prefix, queue, tags, since, cursor } = query;
  return { ns: namespace, workflow, status, prefix, queue, tags, since, cursor };
}

function filters(data: RunsData): Html {
  const { query, namespaces, counts } = data;
  const workflows = Object.keys(counts.workflows).sort();
  const option = (value: string, label: string, selected: boolean) =>
    html`<option value="${value}"${selected ? html` selected` : ""}>${label}</option>`;
  return html`<form class="filters" method="get" action="/">
  ${
    namespaces.length > 1
      ? html`<label>Namespace <select name="ns">${namespaces.map((ns) => option(ns, ns, ns === query.namespace))}</select></label>`
      : html`<input type="hidden" name="ns" value="${query.namespace}">`
  }
  <label>Workflow <select name="workflow">${option("", "any", query.workflow === undefined)}${workflows.map((wf) => option(wf, wf, wf === query.workflow))}</select></label>
  <label>Status <select name="status" id="filter-status">${option("", "any", query.status === undefined)}${STATUSES.map((s) => option(s, s, s === query.status))}</select></label>
  <label>Run id starts with <input name="prefix" value="${query.prefix ?? ""}" placeholder="order-"></label>
  <label>Queue <input name="queue" value="${query.queue ?? ""}" size="10"></label>
  <label>Tags <input name="tags" id="filter-tags" value="${query.tags ?? ""}" size="22" placeholder="customer=c-1 plan=pro"></label>
  <label>Created <select name="since">${option("", "any time", query.since === undefined)}${Object.keys(SINCE_WINDOWS).map((w) => option(w, `in the last ${w}`, w === query.since))}</select></label>
  <button type="submit">Filter</button>
  <a class="reset" href="${href("/", { ns: query.namespace })}">Reset</a>
</form>`;
}

function countsSection(query: RunsQuery, counts: RunCounts): Html {
  const total = Object.values(counts.statuses).reduce((sum, n) => sum + (n ?? 0), 0);
  const link = (status: string | undefined, label: Html | string, n: number) =>
    html`<a class="count${status === query.status ? " selected" : ""}" href="${href("/", { ...queryParams(query), status, cursor: undefined })}">${label} <b>${n}</b></a>`;
  const workflows = Object.entries(counts.workflows).sort(([a], [b]) => a.localeCompare(b));
  return html`<section class="counts">
  <div class="count-row">${link(undefined, "all", total)}${STATUSES.map((s) => link(s, statusBadge(s), counts.statuses[s] ?? 0))}</div>
  <p class="running-states">running: <b>${counts.queued}</b> queued (due, no worker yet) · <b>${counts.active}</b> active · <b>${counts.waiting}</b> waiting</p>
  ${
    workflows.length > 1
      ? html`<table class="grid per-workflow"><thead><tr><th>workflow</th>${STATUSES.map((s) => html`<th>${s}</th>`)}</tr></thead><tbody>${workflows.map(
          ([wf, byStatus]) =>
            html`<tr><td><a href="${href("/", { ...queryParams(query), workflow: wf, cursor: undefined })}">${wf}</a></td>${STATUSES.map((s) => html`<td class="num">${byStatus[s] ?? 0}</td>`)}</tr>`,
        )}</tbody></table>`
      : ""
  }
</section>`;
}

function runsTable(data: RunsData): Html {
  const { query, page } = data;
  if (page.runs.length === 0) return html`<p class="empty">No runs match these filters.</p>`;
  const rows = page.runs.map(
    (run) => html`<tr data-run="${run.runId}">
  <td>${run.workflow}</td>
  <td class="mono">${runLink(run.namespace, run.workflow, run.runId)}</td>
  <td>${statusBadge(run.status, run.cancelRequested && run.status === "running" ? "cancel asked" : undefined)}</td>
  <td class="num">${run.iteration}</td>
  <td>${when(run.createdAt)}</td>
  <td>${when(run.updatedAt)}</td>
  <td>${run.queue ?? "-"}</td>
  <td class="tags">${tagLinks(query, run.tags)}</td>
</tr>`,
  );
  const next = page.nextCursor
    ? html`<a class="next" rel="next" href="${href("/", { ...queryParams(query), cursor: page.nextCursor })}">Older runs →</a>`
    : "";
  const first = query.cursor
    ? html`<a href="${href("/", { ...queryParams(query), cursor: undefined })}">← Newest</a>`
    : "";
  return html`<table class="grid runs">
<thead><tr><th>workflow</th><th>run id</th><th>status</th><th>iter</th><th>created</th><th>updated</th><th>queue</th><th>tags</th></tr></thead>
<tbody>${rows}</tbody>
</table>
<nav class="pager">${first}${next}</nav>`;
}

/** A run's tags, each a link that adds it to the filter. */
function tagLinks(query: RunsQuery, tags: Tags): Html {
  return html`${Object.entries(tags).map(([key, value]) => {
    const tag = tagText(key, value);
    const filter = [
      ...(query.tags ?? "").split(/[\s,]+/).filter((part) => part !== "" && !part.startsWith(`${key}=`)),
      tag,
    ];
    return html`<a class="tag" href="${href("/", { ...queryParams(query), tags: filter.join(" "), cursor: undefined })}">${tag}</a> `;
  })}`;
}
