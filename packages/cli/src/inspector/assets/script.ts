/**
 * The inspector's one script, served as /assets/inspector.js (the CSP allows no inline script).
 * It only ever inserts HTML that the server rendered and escaped (the live region), and sets
 * messages with textContent. Plain ES2020 for any current browser; no build step.
 */
import { BULK_SCRIPT } from "./bulk-script.js";

export const INSPECTOR_SCRIPT = `"use strict";
(() => {
  const TOKEN_KEY = "replaykit-token";
  const state = document.getElementById("live-state");
  const say = (text) => { if (state) state.textContent = text; };

  // A token in the URL fragment (#token=...) is kept in this tab and removed from the address bar.
  const fragment = new URLSearchParams(location.hash.slice(1));
  if (fragment.has("token")) {
    sessionStorage.setItem(TOKEN_KEY, fragment.get("token") || "");
    history.replaceState(null, "", location.pathname + location.search);
  }
  const tokenInput = document.getElementById("token");
  const token = () => (tokenInput && tokenInput.value.trim()) || sessionStorage.getItem(TOKEN_KEY) || "";
  // Reads carry the token too: with it, the server opens payloads with its keys (without it, they stay sealed).
  const headers = (more) => {
    const given = token();
    return Object.assign(given ? { "x-replaykit-token": given } : {}, more);
  };

  // Live updates: every event of the stream makes the live region be fetched again (at most
  // one fetch in flight; a change during a fetch schedules one more), plus a slow backstop.
  const live = document.getElementById("live");
  let fetching = false;
  let again = false;
  const refresh = async () => {
    if (!live) return;
    if (fetching) { again = true; return; }
    fetching = true;
    try {
      const response = await fetch(live.dataset.partial, { headers: headers({ accept: "text/html" }) });
      if (response.ok) live.innerHTML = await response.text();
    } catch (error) {
      say("offline");
    } finally {
      fetching = false;
      if (again) { again = false; setTimeout(refresh, 100); }
      followStreams();
    }
  };
  // Chunks an activity writes to a stream make no history event, so while the run page shows an
  // open stream (data-follow), its live region is fetched again every second.
  let following = false;
  const followStreams = () => {
    if (following || !live || !live.querySelector("section.streams[data-follow]")) return;
    following = true;
    setTimeout(() => { following = false; refresh(); }, 1000);
  };
  followStreams();
  // A page without events to follow (queues) reads its live region again every few seconds.
  if (live && live.dataset.poll) setInterval(refresh, Number(live.dataset.poll));
  const events = document.body.dataset.events;
  if (events && live && typeof EventSource === "function") {
    const source = new EventSource(events + "&after=" + encodeURIComponent(document.body.dataset.after || "0"));
    source.addEventListener("open", () => say("live"));
    source.addEventListener("change", () => refresh());
    source.addEventListener("error", () => say("reconnecting"));
    setInterval(refresh, 15000);
  }
  if (tokenInput) {
    tokenInput.value = sessionStorage.getItem(TOKEN_KEY) || "";
    tokenInput.addEventListener("change", () => {
      sessionStorage.setItem(TOKEN_KEY, tokenInput.value.trim());
      refresh();
    });
  }
  // The page was rendered without the token (a navigation cannot send it): read it again with it.
  if (token() && document.querySelector(".sealed")) refresh();

  // An offloaded payload's Load button: its value, rendered by the server, takes the button's place.
  const load = async (button) => {
    const holder = button.closest(".offloaded");
    button.disabled = true;
    try {
      const response = await fetch(button.dataset.load, { headers: headers({ accept: "text/html" }) });
      if (response.ok && holder) holder.outerHTML = await response.text();
      else { button.disabled = false; show("loading the payload failed: " + response.statusText, false); }
    } catch (error) {
      button.disabled = false;
      show("the inspector did not answer: " + error, false);
    }
  };

  // Actions: JSON with the token in a header; the answer is shown as text.
  const result = document.getElementById("action-result");
  const show = (text, ok) => {
    if (!result) return;
    result.textContent = text;
    result.className = "action-result " + (ok ? "ok" : "failed");
  };
  const post = async (action, target, extra) => {
    const { ns, wf, id, schedule } = target.dataset;
    const body = Object.assign({ namespace: ns, workflow: wf, runId: id }, schedule ? { schedule } : {}, extra);
    try {
      const response = await fetch("/api/" + action, {
        method: "POST",
        headers: { "content-type": "application/json", "x-replaykit-token": token() },
        body: JSON.stringify(body),
      });
      const answer = await response.json();
      show(answer.message || answer.error || response.statusText, response.ok);
      if (response.ok) refresh();
    } catch (error) {
      show("the inspector did not answer: " + error, false);
    }
  };
  document.addEventListener("click", (event) => {
    const loader = event.target.closest("button[data-load]");
    if (loader) { load(loader); return; }
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) return;
    post(button.dataset.action, button, {});
  });
  // The namespace switcher shows the same page for the namespace chosen.
  const nsSwitch = document.getElementById("ns-switch");
  if (nsSwitch) nsSwitch.addEventListener("change", () => nsSwitch.form.submit());
  document.addEventListener("submit", (event) => {
    if (event.target.id === "token-form") { event.preventDefault(); return; }
    const form = event.target.closest("form[data-action]");
    if (!form) return;
    event.preventDefault();
    // Every named field of the form goes into the body; a message is JSON.
    const extra = {};
    for (const field of form.elements) {
      if (!field.name) continue;
      if (field.name !== "message") { extra[field.name] = field.value; continue; }
      try { extra.message = JSON.parse(field.value); }
      catch (error) { show("the message is not JSON: " + error.message, false); return; }
    }
    post(form.dataset.action, form, extra);
  });
${BULK_SCRIPT}
})();
`;
