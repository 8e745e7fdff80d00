import { type RunDescription, type SerializedError, waitingClauses } from "@replaykit/runtime";
import type { RunData } from "../data.js";
import { type Html, href, html } from "../html.js";
import { layout } from "./layout.js";
import { jsonBlock, runLink, type Shown, sealedHtml, statusBadge, when } from "./parts.js";
import { actionsPanel } from "./run-actions.js";
import { historySection, outputsSection, signalsSection } from "./run-sections.js";
import { streamsSection } from "./streams-section.js";
import { timelineSection } from "./timeline.js";
import { treeSection } from "./tree-section.js";

/** A run's page: what it is and waits for, its steps on a time axis, signals, outputs, relatives; live. */
export function runPage(data: RunData): Html {
  const { run } = data;
  const query = { ns: run.namespace, wf: run.workflow, id: run.runId };
  const content = html`<main class="page">
<nav class="crumbs"><a href="${href("/", { ns: run.namespace })}">Runs</a> › <a href="${href("/", { ns: run.namespace, workflow: run.workflow })}">${run.workflow}</a> › <span class="mono">${run.runId}</span></nav>
<section id="live" data-partial="${href("/run", { ...query, partial: "1" })}">${runLive(data)}</section>
${actionsPanel(data)}
</main>`;
  const events = href("/events", query);
  return layout(`${run.workflow}/${run.runId}`, run.namespace, content, { events, after: data.after });
}

/** The part of the run page that live updates fetch again. */
export function runLive(data: RunData): Html {
  const { run, steps, now } = data;
  const shown: Shown = { sealedOf: data.sealedOf, reader: run };
  const end = run.status === "running" ? now : Math.max(run.updatedAt.getTime(), ...steps.map((s) => s.endedAt ?? 0));
  const pending = (step: { kind: string; name: string; seq: number; outcome: string }) => {
    const activity = run.waitingFor.activities.find((a) => a.activity === step.name && a.seq === step.seq);
    return step.kind === "activity" && activity ? `${activity.failedAttempts} failed` : "-";
  };
  return html`<h1><span class="mono">${run.workflow} / ${run.runId}</span> ${statusBadge(run.status, run.status === "running" ? run.state : undefined)}</h1>
${facts(run)}
${buttons(run)}
${waiting(run, shown)}
${run.error ? errorSection(run.error, shown) : ""}
<div class="io">
  <section><h2>Input</h2>${jsonBlock(run.input, shown)}</section>
  ${run.status === "completed" ? html`<section><h2>Result</h2>${jsonBlock(run.result, shown)}</section>` : ""}
</div>
${timelineSection(steps, run.createdAt.getTime(), end, pending, shown)}
${signalsSection(run, steps, shown)}
${outputsSection(steps, shown)}
${streamsSection(data.streams, shown)}
${treeSection(run, data.tree)}
${historySection(data.history, shown)}`;
}

function facts(run: RunDescription): Html {
  const rows: [string, Html | string][] = [
    ["namespace", run.namespace],
    ["iteration", String(run.iteration)],
    ["created", when(run.createdAt)],
    ["updated", when(run.updatedAt)],
  ];
  if (run.version !== undefined) rows.push(["version", run.version]);
  if (run.queue !== undefined) rows.push(["queue", `${run.queue} (priority ${run.priority})`]);
  if (run.concurrencyKey !== undefined) rows.push(["concurrency key", run.concurrencyKey]);
  if (run.deadline !== undefined) rows.push(["deadline", when(run.deadline)]);
  if (run.scheduledAt !== undefined) rows.push(["scheduled at", when(run.scheduledAt)]);
  if (run.parent !== undefined)
    rows.push([
      "parent",
      runLink(run.namespace, run.parent.workflow, run.parent.runId, `${run.parent.workflow}/${run.parent.runId}`),
    ]);
  if (run.status === "running") {
    rows.push([
      "lease",
      run.lease
        ? html`<span class="mono">${run.lease.owner}</span> until ${when(run.lease.until)}`
        : "none: no worker holds it now",
    ]);
    rows.push(["next look", run.wakeAt ? when(run.wakeAt) : "when a signal or cancel arrives"]);
    if (run.cancelRequested) rows.push(["cancel", "asked; a worker ends the run at its next step"]);
  }
  return html`<dl class="facts">${rows.map(([label, value]) => html`<dt>${label}</dt><dd>${value}</dd>`)}</dl>`;
}

function buttons(run: RunDescription): Html {
  const data = html`data-ns="${run.namespace}" data-wf="${run.workflow}" data-id="${run.runId}"`;
  const button = (action: string, label: string, shown: boolean, danger = false) =>
    shown
      ? html`<button type="button"${danger ? html` class="danger"` : ""} data-action="${action}" ${data}>${label}</button>`
      : "";
  const running = run.status === "running";
  const all = [
    button("cancel", "Cancel run", running && !run.cancelRequested, true),
    button("resume", "Resume run", run.status === "stuck"),
    button("pause", "Pause run", running && !run.paused),
    button("unpause", "Unpause run", running && run.paused),
  ].filter((part) => part !== "");
  return all.length === 0 ? html`` : html`<div class="buttons">${all}</div>`;
}

function waiting(run: RunDescription, shown: Shown): Html {
  if (run.status !== "running") return html``;
  const failing = run.waitingFor.activities.filter((activity) => activity.lastError !== undefined);
  return html`<section class="waiting"><h2>Waiting for</h2>
<ul>${waitingClauses(run).map((clause) => html`<li>${clause}</li>`)}</ul>
${failing.map((activity) => html`<details class="last-error"><summary>last error of ${activity.activity}#${activity.seq}</summary>${errorBlock(activity.lastError as SerializedError, shown)}</details>`)}
</section>`;
}

function errorSection(error: SerializedError, shown: Shown): Html {
  return html`<section class="error"><h2>Error</h2>${errorBlock(error, shown)}</section>`;
}

function errorBlock(error: SerializedError, shown: Shown): Html {
  const sealed = shown.sealedOf(error);
  if (sealed !== undefined) return html`<p class="error-line">${sealedHtml(sealed, shown.reader)}</p>`;
  const cause = error.cause ? html`<p>caused by</p>${errorBlock(error.cause, shown)}` : "";
  return html`<p class="error-line"><b>${error.name}</b>: ${error.message}${error.code ? html` <small>(${error.code})</small>` : ""}</p>${error.stack ? html`<pre class="stack">${error.stack}</pre>` : ""}${cause}`;
}
