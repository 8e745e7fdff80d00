import type { HistoryEvent, RunDescription, TimelineStep } from "@replaykit/runtime";
import { peopleLine } from "../../shared/sealed.js";
import { type Html, html } from "../html.js";
import { jsonBlock, type Shown, when } from "./parts.js";

/** Signals awaited now, received and consumed (with their messages), and received but not consumed yet. */
export function signalsSection(run: RunDescription, steps: readonly TimelineStep[], shown: Shown): Html {
  const awaited = run.waitingFor.signals;
  const consumed = steps.filter((step) => step.kind === "signal" && step.outcome !== "pending");
  if (awaited.length === 0 && consumed.length === 0 && run.inbox.length === 0) return html``;
  return html`<section class="signals"><h2>Signals</h2>
${awaited.length > 0 ? html`<h3>Awaited</h3><ul>${awaited.map((s) => html`<li><b>${s.signal}</b>#${s.seq} since ${when(s.since)}, until ${when(s.until)}</li>`)}</ul>` : ""}
${consumed.length > 0 ? html`<h3>Received</h3><table class="grid"><thead><tr><th>signal</th><th>at</th><th>message</th></tr></thead><tbody>${consumed.map((s) => html`<tr><td>${s.name}#${s.seq}</td><td>${when(s.endedAt)}</td><td>${s.outcome === "timed out" ? "timed out" : jsonBlock(s.response, shown)}</td></tr>`)}</tbody></table>` : ""}
${run.inbox.length > 0 ? html`<h3>Pending (received, not consumed yet)</h3><table class="grid"><thead><tr><th>signal</th><th>external id</th><th>received</th><th>message</th></tr></thead><tbody>${run.inbox.map((s) => html`<tr><td>${s.signal}</td><td class="mono">${s.externalId}</td><td>${when(s.receivedAt)}</td><td>${jsonBlock(s.message, shown)}</td></tr>`)}</tbody></table>` : ""}
</section>`;
}

export function outputsSection(steps: readonly TimelineStep[], shown: Shown): Html {
  const outputs = steps.filter((step) => step.kind === "output");
  if (outputs.length === 0) return html``;
  return html`<section class="outputs"><h2>Outputs</h2><table class="grid"><thead><tr><th>output</th><th>at</th><th>message</th></tr></thead><tbody>${outputs.map(
    (o) =>
      html`<tr><td>${o.name}#${o.seq}</td><td>${when(o.startedAt)}</td><td>${jsonBlock(o.request, shown)}</td></tr>`,
  )}</tbody></table></section>`;
}

export function historySection(history: readonly HistoryEvent[], shown: Shown): Html {
  return html`<details class="history"><summary>History: ${history.length} events of this iteration</summary>
<table class="grid"><thead><tr><th>pos</th><th>type</th><th>target</th><th>at</th><th>payload</th></tr></thead><tbody>${history.map(
    (event) =>
      html`<tr><td class="num">${event.pos ?? "-"}</td><td>${event.type}</td><td>${event.target}${event.target || event.seq ? `#${event.seq}` : ""}</td><td>${when(event.at)}</td><td class="mono">${peopleLine(event.payload, shown.sealedOf, 160)}</td></tr>`,
  )}</tbody></table></details>`;
}
