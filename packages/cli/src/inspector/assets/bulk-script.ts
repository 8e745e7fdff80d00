/**
 * The runs page's bulk actions, part of the inspector's script (inside its function: it uses
 * token, show and refresh). Review counts what the filters select and asks to confirm with that
 * count; Confirm starts the batch, and its progress is polled into a progress bar until it ends.
 * The batch id goes into the page's URL (?bulk=), so a reload, or an inspector started again,
 * shows it again from the store; one that no inspector runs any more says how to go on.
 */
export const BULK_SCRIPT = `
  const bulk = document.getElementById("bulk");
  let pendingBulk = null;
  const bulkPost = async (path, body) => {
    const response = await fetch(path, {
      method: "POST",
      headers: { "content-type": "application/json", "x-replaykit-token": token() },
      body: JSON.stringify(body),
    });
    return { response, answer: await response.json() };
  };
  const bulkBody = (form) => {
    const body = { namespace: bulk.dataset.ns, filter: JSON.parse(bulk.dataset.filter || "{}") };
    for (const field of form.elements) {
      if (!field.name || field.value.trim() === "") continue;
      body[field.name] = field.name === "message" ? JSON.parse(field.value) : field.value.trim();
    }
    return body;
  };
  const reveal = (id, shown) => { const element = document.getElementById(id); if (element) element.hidden = !shown; };
  const review = async (form) => {
    let body;
    try { body = bulkBody(form); }
    catch (error) { show("the message is not JSON: " + error.message, false); return; }
    try {
      const { response, answer } = await bulkPost("/api/bulk-count", body);
      if (!response.ok) { show(answer.error || answer.message || response.statusText, false); return; }
      pendingBulk = body;
      document.getElementById("bulk-question").textContent =
        body.action + " " + (answer.more ? "more than " : "") + answer.count + " run" + (answer.count === 1 ? "" : "s") + " that these filters select?";
      reveal("bulk-confirm", true);
      show("", true);
    } catch (error) { show("the inspector did not answer: " + error, false); }
  };
  const progressOf = async (batchId) => {
    const bar = document.getElementById("bulk-bar");
    const status = document.getElementById("bulk-status");
    reveal("bulk-progress", true);
    bulk.open = true;
    for (;;) {
      const query = "?ns=" + encodeURIComponent(bulk.dataset.ns) + "&id=" + encodeURIComponent(batchId);
      const response = await fetch("/api/bulk-progress" + query, { headers: { "x-replaykit-token": token() } });
      const p = await response.json();
      if (!response.ok) { show(p.error || response.statusText, false); return; }
      const handled = p.done + p.skipped + p.failed;
      bar.max = Math.max(1, p.matched);
      bar.value = handled;
      status.textContent = handled + " of " + p.matched + ": " + p.done + " done, " + p.skipped + " skipped, " + p.failed + " failed" + (p.finished ? " (finished)" : "");
      if (p.finished) {
        if (p.error) show("the bulk stopped: " + p.error, false);
        else show("bulk " + p.action + " finished: " + p.done + " done, " + p.skipped + " skipped, " + p.failed + " failed", p.failed === 0);
        bulk.dataset.finished = "1";
        refresh();
        return;
      }
      if (!p.running) {
        show("bulk " + p.action + " " + batchId + " is not running (cut short): continue it with client.bulk or replaykit bulk " + p.action + " --batch-id " + batchId + " and the same filters", false);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  };
  const confirmBulk = async () => {
    if (!pendingBulk) return;
    const body = pendingBulk;
    pendingBulk = null;
    reveal("bulk-confirm", false);
    try {
      const { response, answer } = await bulkPost("/api/bulk", body);
      if (!response.ok) { show(answer.error || answer.message || response.statusText, false); return; }
      show(answer.message, true);
      const url = new URL(location.href);
      url.searchParams.set("bulk", answer.batchId);
      history.replaceState(null, "", url);
      await progressOf(answer.batchId);
    } catch (error) { show("the inspector did not answer: " + error, false); }
  };
  if (bulk) {
    document.getElementById("bulk-form").addEventListener("submit", (event) => { event.preventDefault(); review(event.target); });
    document.getElementById("bulk-go").addEventListener("click", () => confirmBulk());
    document.getElementById("bulk-back").addEventListener("click", () => { pendingBulk = null; reveal("bulk-confirm", false); });
    const shown = new URL(location.href).searchParams.get("bulk");
    if (shown) progressOf(shown);
  }
`;
