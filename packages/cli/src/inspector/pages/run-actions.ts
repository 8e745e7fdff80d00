import type { RunDescription, TimelineStep } from "@replaykit/runtime";
import { json } from "../../shared/values.js";
import type { RunData } from "../data.js";
import { type Html, html } from "../html.js";

/**
 * The run page's side panel: the token, and the forms of the actions that take more than a
 * click (send a signal, terminate with a reason, reset to a step). Every action needs the token.
 */
export function actionsPanel(data: RunData): Html {
  const { run, steps } = data;
  return html`<aside class="actions">
<h2>Actions</h2>
<form id="token-form"><label>Token <input type="password" id="token" autocomplete="off" placeholder="printed by replaykit ui"></label></form>
<p class="hint">Every action needs the token that <code>replaykit ui</code> printed (kept in this tab only).</p>
${run.status === "running" ? signalForm(run, signalNames(run, steps)) : ""}
${run.status === "running" || run.status === "stuck" ? terminateForm(run) : ""}
${resetForm(run, steps)}
<p id="action-result" class="action-result" role="status"></p>
<p class="hint">Raw history: <code>replaykit runs history ${json(run.workflow, 40)} ${json(run.runId, 60)}</code></p>
</aside>`;
}

/**
 * The signal names this run is known to take: those it awaits now, has in its inbox, or
 * consumed in this iteration (the database keeps no list of the names a workflow declares).
 */
export function signalNames(run: RunDescription, steps: readonly TimelineStep[]): string[] {
  const names = [
    ...run.waitingFor.signals.map((awaited) => awaited.signal),
    ...run.inbox.map((received) => received.signal),
    ...steps.filter((step) => step.kind === "signal").map((step) => step.name),
  ];
  return [...new Set(names)];
}

const target = (run: RunDescription) =>
  html`data-ns="${run.namespace}" data-wf="${run.workflow}" data-id="${run.runId}"`;

function signalForm(run: RunDescription, names: readonly string[]): Html {
  const first = names[0] ?? "";
  return html`<form id="signal-form" class="action-form" data-action="signal" ${target(run)}>
  <label>Signal <input name="signal" required list="signal-names" value="${first}" placeholder="${first === "" ? "signal name" : first}"></label>
  <datalist id="signal-names">${names.map((name) => html`<option value="${name}"></option>`)}</datalist>
  ${names.length === 0 ? html`<p class="hint">This run has awaited and received no signal yet: type the name its workflow awaits.</p>` : ""}
  <label>External id <input name="externalId" required placeholder="a unique id, e.g. the event's"></label>
  <label>Message (JSON) <textarea name="message" rows="3" required>{}</textarea></label>
  <button type="submit">Send signal</button>
</form>`;
}

function terminateForm(run: RunDescription): Html {
  return html`<form id="terminate-form" class="action-form" data-action="terminate" ${target(run)}>
  <label>Reason <input name="reason" required placeholder="why it ends (kept with the run)"></label>
  <button type="submit" class="danger">Terminate run</button>
</form>`;
}

/** Reset offers each step of this iteration: the steps before the chosen one are reused. */
function resetForm(run: RunDescription, steps: readonly TimelineStep[]): Html {
  const options = steps.map(
    (step) => html`<option value="${step.index}">${step.index}: ${step.kind} ${step.name}#${step.seq}</option>`,
  );
  return html`<form id="reset-form" class="action-form" data-action="reset" ${target(run)}>
  <label>Reset to step <select name="toStep"><option value="0">0: from the start</option>${options.slice(1)}</select></label>
  <label>Code version <input name="version" placeholder="optional, e.g. the fixed one"></label>
  <button type="submit">Reset run</button>
</form>`;
}
