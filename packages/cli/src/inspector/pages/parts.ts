import type { RunStatus } from "@replaykit/runtime";
import { time } from "../../shared/values.js";
import { type Html, href, html } from "../html.js";

export function statusBadge(status: RunStatus | string, extra?: string): Html {
  return html`<span class="badge status-${status}">${status}${extra ? html` <small>${extra}</small>` : ""}</span>`;
}

/** A JSON value, pretty-printed and escaped. */
export function jsonBlock(value: unknown): Html {
  return html`<pre class="json">${value === undefined ? "(none)" : (JSON.stringify(value, null, 2) ?? String(value))}</pre>`;
}

/** A time for people, with the exact ISO time on hover. */
export function when(date: Date | number | undefined): Html {
  if (date === undefined) return html`-`;
  const iso = new Date(date).toISOString();
  return html`<time datetime="${iso}" title="${iso}">${time(date)}</time>`;
}

export function runLink(namespace: string, workflow: string, runId: string, text?: string): Html {
  return html`<a href="${href("/run", { ns: namespace, wf: workflow, id: runId })}">${text ?? runId}</a>`;
}
