import { type Html, html } from "../html.js";
import { CHUNKS_SHOWN, STREAMS_SHOWN, type StreamView } from "../streams.js";
import { jsonHtml, type Shown } from "./parts.js";

/**
 * The run's streams, each with its newest chunks (offset, attempt, value; reset markers marked).
 * While a stream is open, the section carries data-follow, and the page's script fetches the live
 * region again every second: chunks an activity writes make no history event to announce them.
 */
export function streamsSection(streams: readonly StreamView[], shown: Shown): Html {
  if (streams.length === 0) return html``;
  const open = streams.some((stream) => !stream.info.closed);
  const more =
    streams.length === STREAMS_SHOWN ? html`<p class="hint">The first ${STREAMS_SHOWN} streams by key.</p>` : "";
  return html`<section class="streams"${open ? html` data-follow="1"` : ""}><h2>Streams</h2>${more}${streams.map((stream) => streamBlock(stream, shown))}</section>`;
}

function streamBlock(stream: StreamView, shown: Shown): Html {
  const { info } = stream;
  const state = info.closed
    ? html`<span class="badge">closed</span>`
    : html`<span class="badge status-running">open</span>`;
  const count = `${info.chunks} chunk${info.chunks === 1 ? "" : "s"}`;
  const older = info.chunks > CHUNKS_SHOWN ? html` <small>(the newest ${CHUNKS_SHOWN})</small>` : "";
  const body =
    stream.unreadable !== undefined
      ? html`<p class="sealed">Its chunks could not be read here: ${stream.unreadable}</p>`
      : stream.chunks.length === 0
        ? html`<p class="empty">No chunks.</p>`
        : html`<table class="grid chunks"><thead><tr><th class="num">offset</th><th>attempt</th><th>value</th></tr></thead><tbody>${stream.chunks.map((chunk) => chunkRow(chunk, shown))}</tbody></table>`;
  return html`<details class="stream" data-key="${info.key}" open><summary><b class="mono">${info.key}</b> ${state} ${count}${older}</summary>${body}</details>`;
}

/** A chunk: its value as other payloads are shown (a sealed one as its words: encrypted, offloaded...). */
function chunkRow(chunk: StreamView["chunks"][number], shown: Shown): Html {
  const attempt = chunk.attempt === undefined ? "workflow" : String(chunk.attempt);
  if (chunk.reset) {
    return html`<tr class="reset"><td class="num">${chunk.offset}</td><td>${attempt}</td><td>reset: drop what attempt ${attempt} wrote</td></tr>`;
  }
  return html`<tr><td class="num">${chunk.offset}</td><td>${attempt}</td><td class="mono">${jsonHtml(chunk.value, shown)}</td></tr>`;
}
