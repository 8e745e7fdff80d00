/**
 * The answer page's script, served as /page.js. It opens an EventSource on /answer and shows the
 * chunks as they come: each chunk is kept with the attempt that wrote it, so a reset drops the
 * failed attempt's text. What it has shown (the chunks and the last event id) is kept in
 * sessionStorage: after a reload it shows that at once and asks only for what came after the
 * last event id, so no text is lost or shown twice. Text goes in with textContent only.
 */
export const PAGE_SCRIPT = `"use strict";
(() => {
  const runId = document.body.dataset.run;
  const answer = document.getElementById("answer");
  const status = document.getElementById("status");
  const storeKey = "agent-answer:" + runId;
  const saved = JSON.parse(sessionStorage.getItem(storeKey) || "null");
  const state = saved || { last: -1, parts: [], rewinds: 0, done: false };

  const show = (message) => {
    answer.textContent = state.parts.map((part) => part.text).join("");
    document.body.dataset.state = state.done ? "done" : "streaming";
    document.body.dataset.rewinds = String(state.rewinds);
    if (message) status.textContent = message;
    sessionStorage.setItem(storeKey, JSON.stringify(state));
  };
  show(saved ? "resumed after event " + state.last : "waiting for the model");
  if (state.done) { show("done"); return; }

  // After a reload, the last event id goes in the query: EventSource sends Last-Event-ID only
  // when it reconnects by itself, and the server takes the query's value when there is no header.
  const resume = state.last >= 0 ? "&lastEventId=" + state.last : "";
  const source = new EventSource("/answer?q=" + encodeURIComponent(runId) + resume);
  source.onmessage = (event) => {
    const chunk = JSON.parse(event.data);
    state.last = chunk.offset;
    state.parts.push({ attempt: chunk.attempt, text: String(chunk.value) });
    show("streaming (attempt " + chunk.attempt + ")");
  };
  source.addEventListener("reset", (event) => {
    const chunk = JSON.parse(event.data);
    state.last = chunk.offset;
    state.parts = state.parts.filter((part) => part.attempt !== chunk.attempt);
    state.rewinds += 1;
    show("attempt " + chunk.attempt + " failed mid-answer: rewound, the next attempt answers again");
  });
  source.addEventListener("end", () => {
    source.close();
    state.done = true;
    show("done");
  });
  source.onerror = () => { if (!state.done) status.textContent = "reconnecting"; };
})();
`;
