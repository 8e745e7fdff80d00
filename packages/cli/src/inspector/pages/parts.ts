import type { RunKey, RunStatus, SealedPayload } from "@replaykit/runtime";
import { jsonParts, type SealedOf, sealedText } from "../../shared/sealed.js";
import { time } from "../../shared/values.js";
import { type Html, href, html } from "../html.js";

/** What showing a run's payloads needs: which of them the request's view sealed, and the run they were read for. */
export interface Shown {
  readonly sealedOf: SealedOf;
  readonly reader: RunKey;
}

export function statusBadge(status: RunStatus | string, extra?: string): Html {
  return html`<span class="badge status-${status}">${status}${extra ? html` <small>${extra}</small>` : ""}</span>`;
}

/** A JSON value, pretty-printed and escaped; a sealed payload in it shows as its words (see sealedHtml). */
export function jsonBlock(value: unknown, shown: Shown): Html {
  return html`<pre class="json">${value === undefined ? "(none)" : jsonHtml(value, shown, 2)}</pre>`;
}

/** A JSON value's text, escaped, each sealed payload in it as sealedHtml. */
export function jsonHtml(value: unknown, shown: Shown, space?: number): Html {
  const parts = jsonParts(value, shown.sealedOf, space);
  return html`${parts.map((part) => (typeof part === "string" ? part : sealedHtml(part, shown.reader)))}`;
}

/**
 * A sealed payload: `encrypted (key k1, 3.2 KiB)`, never its ciphertext. An offloaded one has a
 * Load button that fetches its value (GET /payload) into its place.
 */
export function sealedHtml(sealed: SealedPayload, reader: RunKey): Html {
  const words = html`<span class="sealed sealed-${sealed.reason}" title="${sealed.problem ?? ""}">${sealedText(sealed)}</span>`;
  if (sealed.reason !== "offloaded") return words;
  const { size, codecs, key, ref } = sealed;
  const payload = JSON.stringify({ size, codecs, key, ref });
  const url = href("/payload", { ns: reader.namespace, wf: reader.workflow, id: reader.runId, payload });
  return html`<span class="offloaded">${words} <button type="button" class="load" data-load="${url}">Load</button></span>`;
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
