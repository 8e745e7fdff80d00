import type { QueueInfo, QueueKeyLoad } from "@replaykit/runtime";
import { counted, duration } from "../../shared/values.js";
import { type Html, href, html } from "../html.js";
import { heldBack, type QueuesData } from "../queues.js";
import { layout } from "./layout.js";
import { when } from "./parts.js";

/** The queues page: each queue's limits, its runs and activity attempts by state, the rate window, and why work waits. */
export function queuesPage(data: QueuesData): Html {
  const content = html`<main class="page">
<h1>Queues <small>namespace ${data.namespace}</small></h1>
<p class="hint">A run holds a slot of its queue while a worker runs its step; an activity with a queue holds one while its attempt runs. Runs waiting for a signal or a timer hold none.</p>
<section id="live" data-partial="${href("/queues", { ns: data.namespace, partial: "1" })}" data-poll="5000">${queuesLive(data)}</section>
</main>`;
  return layout("Queues", data.namespace, content, undefined, { path: "/queues", namespaces: data.namespaces });
}

export function queuesLive(data: QueuesData): Html {
  if (data.queues.length === 0) {
    return html`<p class="empty">No queues in namespace ${data.namespace}: no worker declared one, and no running run or activity uses one.</p>`;
  }
  return html`${data.queues.map((queue) => queueCard(data.namespace, queue))}`;
}

function queueCard(namespace: string, queue: QueueInfo): Html {
  const runsOf = (text: string | number) =>
    html`<a href="${href("/", { ns: namespace, queue: queue.name, status: "running" })}">${text}</a>`;
  const reasons = heldBack(queue);
  return html`<section class="queue" data-queue="${queue.name}">
<h2>${queue.name}</h2>
<dl class="facts">
  <dt>limits</dt><dd>${limitsText(queue)}</dd>
  <dt>runs</dt><dd class="queue-runs">${runsOf(queue.runs.queued)} queued · ${queue.runs.active} active · ${queue.runs.waiting} waiting</dd>
  <dt>activity attempts</dt><dd class="queue-activities">${queue.activities.active} holding a slot · ${queue.activities.waiting} waiting for one</dd>
  ${queue.limits.rateLimit ? html`<dt>rate window</dt><dd class="queue-window">${queue.window?.starts ?? 0} of ${queue.limits.rateLimit.limit} starts in the last ${duration(queue.limits.rateLimit.periodMs)}${queue.window?.freesAt ? html`; the oldest leaves it at ${when(queue.window.freesAt)}` : ""}</dd>` : ""}
</dl>
${reasons.length > 0 ? html`<div class="held-back"><b>Held back:</b><ul>${reasons.map((reason) => html`<li>${reason}</li>`)}</ul></div>` : ""}
${queue.keys.length > 0 ? keysTable(queue.keys) : ""}
</section>`;
}

function limitsText(queue: QueueInfo): string {
  const { concurrency, keyConcurrency, rateLimit } = queue.limits;
  const parts = [
    concurrency === undefined ? undefined : `concurrency ${concurrency}`,
    keyConcurrency === undefined ? undefined : `${keyConcurrency} per key`,
    rateLimit === undefined ? undefined : `${counted(rateLimit.limit, "start")} per ${duration(rateLimit.periodMs)}`,
  ].filter((part) => part !== undefined);
  return parts.length === 0 ? "none declared by a worker" : parts.join(" · ");
}

function keysTable(keys: readonly QueueKeyLoad[]): Html {
  return html`<details class="queue-keys"${keys.length <= 10 ? html` open` : ""}><summary>${keys.length} concurrency keys with work</summary>
<table class="grid"><thead><tr><th>key</th><th class="num">runs queued</th><th class="num">active</th><th class="num">waiting</th><th class="num">attempts holding</th><th class="num">attempts waiting</th></tr></thead>
<tbody>${keys.map((key) => html`<tr data-key="${key.key}"><td class="mono">${key.key}</td><td class="num">${key.runs.queued}</td><td class="num">${key.runs.active}</td><td class="num">${key.runs.waiting}</td><td class="num">${key.activities.active}</td><td class="num">${key.activities.waiting}</td></tr>`)}</tbody></table></details>`;
}
