import { type Html, href, html } from "../html.js";
import type { ScheduleRow, SchedulesData } from "../schedules.js";
import { layout } from "./layout.js";
import { runLink, statusBadge, when } from "./parts.js";
import { tokenPanel } from "./token.js";

/** The schedules page: each schedule's cron, time zone, next tick, last run and state, with its actions. */
export function schedulesPage(data: SchedulesData): Html {
  const content = html`<main class="page">
<h1>Schedules <small>namespace ${data.namespace}</small></h1>
${tokenPanel("Pause, resume, trigger and delete need the token")}
<section id="live" data-partial="${href("/schedules", { ns: data.namespace, partial: "1" })}">${schedulesLive(data)}</section>
</main>`;
  return layout("Schedules", data.namespace, content, undefined, { path: "/schedules", namespaces: data.namespaces });
}

export function schedulesLive(data: SchedulesData): Html {
  if (data.rows.length === 0) {
    return html`<p class="empty">No schedules in namespace ${data.namespace}. Create one with <code>client.createSchedule</code> or <code>replaykit schedules create</code>.</p>`;
  }
  return html`<table class="grid schedules">
<thead><tr><th>schedule</th><th>workflow</th><th>cron</th><th>time zone</th><th>next tick</th><th>last run</th><th>state</th><th>actions</th></tr></thead>
<tbody>${data.rows.map((row) => scheduleRow(data.namespace, row))}</tbody>
</table>`;
}

function scheduleRow(namespace: string, { schedule, lastRun }: ScheduleRow): Html {
  const target = html`data-ns="${namespace}" data-schedule="${schedule.id}"`;
  const last =
    schedule.lastRunId === undefined
      ? html`-`
      : html`${runLink(namespace, schedule.workflow, schedule.lastRunId)} ${lastRun ? statusBadge(lastRun.status) : html`<small>(purged)</small>`} <small>tick ${when(schedule.lastTick)}</small>`;
  const toggle = schedule.paused
    ? html`<button type="button" data-action="schedule-resume" ${target}>Resume</button>`
    : html`<button type="button" data-action="schedule-pause" ${target}>Pause</button>`;
  return html`<tr data-schedule="${schedule.id}">
  <td class="mono">${schedule.id}</td>
  <td><a href="${href("/", { ns: namespace, workflow: schedule.workflow })}">${schedule.workflow}</a></td>
  <td class="mono">${schedule.cron}</td>
  <td>${schedule.timezone}</td>
  <td>${schedule.paused ? "-" : when(schedule.nextTick)}</td>
  <td class="last-run">${last}</td>
  <td>${schedule.paused ? html`<span class="badge status-paused">paused</span>` : html`<span class="badge status-running">active</span>`}</td>
  <td class="row-actions">${toggle}<button type="button" data-action="schedule-trigger" ${target}>Trigger</button><button type="button" class="danger" data-action="schedule-delete" data-confirm="Delete schedule ${schedule.id}? The runs it started stay." ${target}>Delete</button></td>
</tr>`;
}
