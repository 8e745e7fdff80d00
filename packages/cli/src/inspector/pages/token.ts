import { type Html, html } from "../html.js";

/** The token field and the line where actions answer, for pages whose actions are buttons in a list. */
export function tokenPanel(what: string): Html {
  return html`<div class="token-bar">
<form id="token-form"><label>Token <input type="password" id="token" autocomplete="off" placeholder="printed by replaykit ui"></label></form>
<span class="hint">${what} that <code>replaykit ui</code> printed (kept in this tab only).</span>
<p id="action-result" class="action-result" role="status"></p>
</div>`;
}
