import { param, type RouteContext, sendHtml } from "./http.js";
import { messagePage } from "./pages/layout.js";
import { queuesLive, queuesPage } from "./pages/queues-page.js";
import { schedulesLive, schedulesPage } from "./pages/schedules-page.js";
import { triageLive, triagePage } from "./pages/triage-page.js";
import { loadSchedules } from "./schedules.js";
import { loadTriage } from "./triage.js";

/* The operations pages of a namespace: schedules, queues, triage (each, with partial=1, its live region). */

/** The namespace a page shows: asked for, the inspector's own, or the first with runs; and all of them for the switcher. */
async function namespaceOf(context: RouteContext): Promise<{ namespace?: string; namespaces: string[] }> {
  const namespaces = await context.client.listNamespaces();
  const namespace = param(context.url, "ns") ?? context.namespace ?? namespaces[0];
  return namespace === undefined ? { namespaces } : { namespace, namespaces };
}

function noNamespace(context: RouteContext): void {
  sendHtml(context.response, 200, messagePage("No runs yet", "This database has no runs, so no namespace to show."));
}

/** GET /schedules?ns: the namespace's schedules with their actions. */
export async function schedulesRoute(context: RouteContext): Promise<void> {
  const { namespace, namespaces } = await namespaceOf(context);
  if (namespace === undefined) return noNamespace(context);
  const data = await loadSchedules(context.client, namespace, namespaces);
  sendHtml(context.response, 200, param(context.url, "partial") ? schedulesLive(data) : schedulesPage(data));
}

/** GET /queues?ns: the namespace's queues. */
export async function queuesRoute(context: RouteContext): Promise<void> {
  const { namespace, namespaces } = await namespaceOf(context);
  if (namespace === undefined) return noNamespace(context);
  const data = { namespace, namespaces, queues: await context.client.listQueues(namespace) };
  sendHtml(context.response, 200, param(context.url, "partial") ? queuesLive(data) : queuesPage(data));
}

/** GET /triage?ns: stuck and failed runs grouped by error, the largest groups first. */
export async function triageRoute(context: RouteContext): Promise<void> {
  const { namespace, namespaces } = await namespaceOf(context);
  if (namespace === undefined) return noNamespace(context);
  const data = await loadTriage(context.client, context.view.sealedOf, namespace, namespaces);
  sendHtml(context.response, 200, param(context.url, "partial") ? triageLive(data) : triagePage(data));
}
