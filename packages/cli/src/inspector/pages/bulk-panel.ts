import type { RunsQuery } from "../data.js";
import { type Html, html } from "../html.js";
import { tokenPanel } from "./token.js";

const ACTIONS = ["cancel", "terminate", "pause", "unpause", "resume", "reset", "signal", "purge"];

/**
 * The runs page's bulk actions: an action on every run the current filters select (not only
 * the page shown). Review shows how many runs that is and asks to confirm; the progress of the
 * batch then shows in a bar (see assets/bulk-script.ts). Every step needs the token.
 */
export function bulkPanel(query: RunsQuery): Html {
  const { workflow, status, prefix, queue, tags, since } = query;
  const filter = JSON.stringify({ workflow, status, prefix, queue, tags, since });
  return html`<details class="bulk" id="bulk" data-ns="${query.namespace}" data-filter="${filter}">
<summary>Bulk action on every run these filters select</summary>
${tokenPanel("Bulk actions need the token")}
<form id="bulk-form" class="filters">
  <label>Action <select name="action" id="bulk-action">${ACTIONS.map((action) => html`<option value="${action}">${action}</option>`)}</select></label>
  <label>Reason <small>(terminate)</small> <input name="reason" size="18"></label>
  <label>Step <small>(reset; empty: the first failing)</small> <input name="toStep" size="4"></label>
  <label>Version <small>(reset, resume)</small> <input name="version" size="8"></label>
  <label>Signal <small>(signal)</small> <input name="signal" size="12"></label>
  <label>Message <small>(signal, JSON)</small> <input name="message" size="12" placeholder="null"></label>
  <button type="submit">Review</button>
</form>
<div id="bulk-confirm" class="bulk-confirm" hidden><p id="bulk-question"></p><button type="button" class="danger" id="bulk-go">Confirm</button> <button type="button" id="bulk-back">Back</button></div>
<div id="bulk-progress" hidden><progress id="bulk-bar" max="1" value="0"></progress> <span id="bulk-status"></span></div>
</details>`;
}
