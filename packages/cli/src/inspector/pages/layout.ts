import { type Html, href, html } from "../html.js";

/** Where a page's live region gets its updates: the SSE stream and the partial to fetch again. */
export interface LiveSource {
  readonly events: string;
  readonly after: number;
}

/** The inspector's sections, linked from every page's header. */
const SECTIONS: readonly (readonly [string, string])[] = [
  ["/", "Runs"],
  ["/triage", "Triage"],
  ["/schedules", "Schedules"],
  ["/queues", "Queues"],
];

/** Where a page is and the namespaces it may switch to (the header's namespace switcher). */
export interface Nav {
  readonly path: string;
  readonly namespaces: readonly string[];
}

/**
 * A full page: the stylesheet and the one script (both served by this server: the CSP allows
 * nothing else), a header, the page's own content, and the live source its script follows.
 */
export function layout(
  title: string,
  namespace: string | undefined,
  content: Html,
  live?: LiveSource,
  nav?: Nav,
): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · replaykit</title>
<link rel="stylesheet" href="/assets/inspector.css">
<script src="/assets/inspector.js" defer></script>
</head>
<body${live ? html` data-events="${live.events}" data-after="${live.after}"` : ""}>
<header class="top">
  <a class="brand" href="${href("/", { ns: namespace })}">replaykit inspector</a>
  <nav class="sections">${SECTIONS.map(([path, label]) => html`<a href="${href(path, { ns: namespace })}"${path === nav?.path ? html` class="here"` : ""}>${label}</a>`)}</nav>
  ${nav && nav.namespaces.length > 0 ? switcher(nav, namespace) : namespace ? html`<span class="ns">namespace <b>${namespace}</b></span>` : ""}
  <span class="live-state" id="live-state" aria-live="polite"></span>
</header>
${content}
</body>
</html>
`;
}

/** A page for a request that cannot be served: what was wrong, escaped. */
export function messagePage(title: string, message: string, namespace?: string): Html {
  return layout(
    title,
    namespace,
    html`<main class="page"><h1>${title}</h1><p class="message">${message}</p><p><a href="${href("/", { ns: namespace })}">Back to the runs</a></p></main>`,
  );
}

/** The namespace switcher: the same page for another namespace (the script submits on change). */
function switcher(nav: Nav, namespace: string | undefined): Html {
  const names =
    namespace === undefined || nav.namespaces.includes(namespace) ? nav.namespaces : [namespace, ...nav.namespaces];
  return html`<form class="ns-switch" method="get" action="${nav.path}"><label>namespace <select name="ns" id="ns-switch">${names.map(
    (name) => html`<option value="${name}"${name === namespace ? html` selected` : ""}>${name}</option>`,
  )}</select></label><noscript><button type="submit">Go</button></noscript></form>`;
}
