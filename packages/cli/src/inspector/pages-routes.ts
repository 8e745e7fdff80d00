import { ReplayError } from "@replaykit/runtime";
import { isRunStatus, loadRun, loadRuns, type RunsQuery, SINCE_WINDOWS } from "./data.js";
import { param, type RouteContext, sendHtml } from "./http.js";
import { messagePage } from "./pages/layout.js";
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
  const status = param(url, "status");
  const since = param(url, "since");
  if (status !== undefined && !isRunStatus(status)) throw badRequest(`unknown status ${JSON.stringify(status)}`);
  if (since !== undefined && SINCE_WINDOWS[since] === undefined)
    throw badRequest(`unknown window ${JSON.stringify(since)}`);
  const query: RunsQuery = {
    namespace,
    ...optional("workflow", param(url, "workflow")),
    ...(status === undefined ? {} : { status }),
    ...optional("prefix", param(url, "prefix")),
    ...optional("queue", param(url, "queue")),
    ...optional("since", since),
    ...optional("cursor", param(url, "cursor")),
  };
  const data = await loadRuns(client, query);
  sendHtml(response, 200, param(url, "partial") ? runsLive(data) : runsPage(data));
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
  const data = await loadRun(client, namespace, workflow, runId);
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

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

export function badRequest(message: string): ReplayError {
  return new ReplayError("INVALID_REQUEST", message);
}
