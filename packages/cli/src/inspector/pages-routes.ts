import { ReplayError, type SealedPayload } from "@replaykit/runtime";
import { isRunStatus, loadRun, loadRuns, type RunsQuery, SINCE_WINDOWS } from "./data.js";
import { html } from "./html.js";
import { param, type RouteContext, sendHtml } from "./http.js";
import { messagePage } from "./pages/layout.js";
import { jsonHtml } from "./pages/parts.js";
import { runLive, runPage } from "./pages/run-page.js";
import { runsLive, runsPage } from "./pages/runs-page.js";

/** GET /: the runs page (or its live region with partial=1). */
export async function runsRoute(context: RouteContext): Promise<void> {
  const { url, response, client } = context;
  const namespace = param(url, "ns") ?? context.namespace ?? (await client.listNamespaces())[0];
  if (namespace === undefined) {
    sendHtml(response, 200, messagePage("No runs yet", "This database has no runs. Start one, and it shows here."));
    return;
  }
  const query = runsQueryOf(namespace, (name) => param(url, name));
  const data = await loadRuns(client, query);
  sendHtml(response, 200, param(url, "partial") ? runsLive(data) : runsPage(data));
}

/** The runs page's filters from its query string (or a bulk action's body: `get` reads either); a bad status or window is a bad request. */
export function runsQueryOf(namespace: string, get: (name: string) => string | undefined): RunsQuery {
  const status = get("status");
  const since = get("since");
  if (status !== undefined && !isRunStatus(status)) throw badRequest(`unknown status ${JSON.stringify(status)}`);
  if (since !== undefined && SINCE_WINDOWS[since] === undefined)
    throw badRequest(`unknown window ${JSON.stringify(since)}`);
  return {
    namespace,
    ...optional("workflow", get("workflow")),
    ...(status === undefined ? {} : { status }),
    ...optional("prefix", get("prefix")),
    ...optional("queue", get("queue")),
    ...optional("tags", get("tags")),
    ...optional("since", since),
    ...optional("cursor", get("cursor")),
  };
}

/** GET /run?ns&wf&id: a run's page (or its live region with partial=1). */
export async function runRoute(context: RouteContext): Promise<void> {
  const { url, response, client } = context;
  const namespace = param(url, "ns") ?? context.namespace;
  const workflow = param(url, "wf");
  const runId = param(url, "id");
  if (namespace === undefined || workflow === undefined || runId === undefined) {
    throw badRequest("a run page needs ns, wf and id in its query: follow a link of the runs page");
  }
  const data = await loadRun(client, context.view.sealedOf, { namespace, workflow, runId });
  if (data === undefined) {
    sendHtml(
      response,
      404,
      messagePage("No such run", `There is no run ${workflow}/${runId} in namespace ${namespace}.`, namespace),
    );
    return;
  }
  sendHtml(response, 200, param(url, "partial") ? runLive(data) : runPage(data));
}

/**
 * GET /payload?ns&wf&id&payload: an offloaded payload of run ns/wf/id, loaded on demand (the
 * page's Load button), as a fragment of the page. `payload` is the sealed payload the page
 * showed (its size, codecs, key and reference); it is opened as the request's view allows.
 */
export async function payloadRoute(context: RouteContext): Promise<void> {
  const { url, response, view } = context;
  const namespace = param(url, "ns") ?? context.namespace;
  const workflow = param(url, "wf");
  const runId = param(url, "id");
  const sealed = sealedParam(param(url, "payload"));
  if (namespace === undefined || workflow === undefined || runId === undefined || sealed === undefined) {
    throw badRequest("a payload needs ns, wf, id and payload in its query: use the Load button of a run page");
  }
  const reader = { namespace, workflow, runId };
  const value = await view.load(sealed, reader);
  sendHtml(response, 200, html`<span class="loaded">${jsonHtml(value, { sealedOf: view.sealedOf, reader }, 2)}</span>`);
}

/** The sealed payload of an offloaded payload's Load button; undefined when it is not one. */
function sealedParam(text: string | undefined): SealedPayload | undefined {
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const { size, codecs, key, ref } = (parsed ?? {}) as Record<string, unknown>;
  const { workflow, runId, sha256 } = (ref ?? {}) as Record<string, unknown>;
  const names = Array.isArray(codecs) && codecs.every((codec) => typeof codec === "string");
  // The hash names the bytes in the payload store (a file name, for a file store): hex only.
  const refOk = typeof workflow === "string" && typeof runId === "string" && SHA256.test(String(sha256));
  if (typeof size !== "number" || !names || !refOk || (key !== undefined && typeof key !== "string")) return undefined;
  const keyPart = key === undefined ? {} : { key };
  return {
    reason: "offloaded",
    size,
    codecs: codecs as string[],
    ...keyPart,
    ref: { workflow, runId, sha256: String(sha256) },
  };
}

const SHA256 = /^[0-9a-f]{64}$/;

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

export function badRequest(message: string): ReplayError {
  return new ReplayError("INVALID_REQUEST", message);
}
