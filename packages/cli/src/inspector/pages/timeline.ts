import type { TimelineStep } from "@replaykit/runtime";
import { outcomeOf } from "../../shared/steps.js";
import { duration } from "../../shared/values.js";
import { type Html, html } from "../html.js";
import { jsonBlock, type Shown } from "./parts.js";

/** Width of the SVG axis in its own units; bars are placed in these and stretched to the cell. */
const AXIS = 1000;

/** Steps as rows, each with a bar on one time axis from the run's start to its end (or now). */
export function timelineSection(
  steps: readonly TimelineStep[],
  start: number,
  end: number,
  pendingActivity: (step: TimelineStep) => string,
  shown: Shown,
): Html {
  if (steps.length === 0)
    return html`<section class="timeline"><h2>Steps</h2><p class="empty">No steps recorded yet.</p></section>`;
  const span = Math.max(1, end - start);
  const x = (at: number) => Math.round((Math.min(Math.max(at, start), end) - start) * (AXIS / span));
  const rows = steps.map((step) => {
    const to = step.endedAt ?? end;
    const left = Math.min(x(step.startedAt), AXIS - 6);
    const width = Math.max(6, x(to) - left);
    const took = step.outcome === "recorded" ? "-" : duration(to - step.startedAt);
    const attempts = step.attempts === undefined ? pendingActivity(step) : String(step.attempts);
    const outcome = outcomeOf(step, shown.sealedOf);
    return html`<tr class="step outcome-${outcome.replace(" ", "-")}" data-step="${step.index}">
  <td class="num">${step.index}</td>
  <td><details><summary>${step.kind} <b>${step.name}</b>#${step.seq}</summary>${stepDetail(step, shown)}</details></td>
  <td class="num">${attempts}</td>
  <td class="num">${took}</td>
  <td>${outcome}</td>
  <td class="axis"><svg class="bar" viewBox="0 0 ${AXIS} 12" preserveAspectRatio="none" role="img" aria-label="${step.kind} ${step.name} from +${duration(step.startedAt - start)}, ${took}"><rect x="${left}" y="1" width="${width}" height="10" class="bar-${outcome.replace(" ", "-")}"></rect></svg></td>
</tr>`;
  });
  return html`<section class="timeline"><h2>Steps <small>${steps.length} over ${duration(span)}</small></h2>
<table class="grid steps">
<thead><tr><th>#</th><th>step</th><th>attempts</th><th>took</th><th>outcome</th><th class="axis"><div class="ticks"><span>+0</span><span>+${duration(span / 2)}</span><span>+${duration(span)}</span></div></th></tr></thead>
<tbody>${rows}</tbody>
</table></section>`;
}

function stepDetail(step: TimelineStep, shown: Shown): Html {
  const label = {
    activity: "input",
    sleep: "request",
    signal: "request",
    output: "message",
    patch: "marker",
    child: "request",
    send: "sent",
    tags: "tags",
    token: "token",
    tokenAwait: "await",
    event: "wait",
    stream: "chunk",
    close: "closed",
    update: "accepted",
    condition: "request",
  }[step.kind];
  return html`<div class="detail"><h4>${label}</h4>${jsonBlock(step.request, shown)}${step.response === undefined ? "" : html`<h4>${answerLabel(step, shown)}</h4>${jsonBlock(step.response, shown)}`}</div>`;
}

/** "result" or "error"; "answer" when the answer is sealed (how the step ended is in the ciphertext). */
function answerLabel(step: TimelineStep, shown: Shown): string {
  if (outcomeOf(step, shown.sealedOf) === "ended") return "answer";
  return step.outcome === "failed" ? "error" : "result";
}
