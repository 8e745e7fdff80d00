import { ReplayError } from "@replaykit/runtime";
import { type RouteContext, readBody, sendJson } from "./http.js";
import { crossOriginRefusal } from "./security.js";

/** Largest action body: a signal message of up to the client's payload limit, with room for the rest. */
const BODY_SLACK = 64 * 1024;

export type Body = Record<string, unknown>;
/** An action's answer: its status and message, and any more fields the page reads (a count, a batch id). */
export type Action = (
  context: RouteContext,
  body: Body,
) => Promise<{ readonly status: number; readonly message: string; readonly [more: string]: unknown }>;

/**
 * POST /api/<action>: a write, refused unless it carries the token (header x-replaykit-token)
 * and comes from the inspector's own pages (see crossOriginRefusal).
 */
export function actionRoute(action: Action) {
  return async (context: RouteContext): Promise<void> => {
    const { request, response } = context;
    const refusal = crossOriginRefusal(request);
    if (refusal !== undefined) return sendJson(response, 403, { ok: false, error: refusal });
    if (!context.unlocked) {
      return sendJson(response, 401, {
        ok: false,
        error: "a valid token is needed for actions: enter the one that replaykit ui printed at start",
      });
    }
    const text = await readBody(request, context.client.maxPayloadBytes + BODY_SLACK);
    if (text === undefined) return sendJson(response, 413, { ok: false, error: "the request body is too large" });
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return sendJson(response, 400, { ok: false, error: "the request body is not JSON" });
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      return sendJson(response, 400, {
        ok: false,
        error: 'the request body must be a JSON object such as {"namespace": ...}',
      });
    }
    const body = parsed as Body;
    try {
      const { status, message, ...more } = await action(context, body);
      sendJson(response, status, { ...more, ok: status < 300, message });
    } catch (error) {
      const [status, message] = failureOf(error);
      sendJson(response, status, { ok: false, error: message });
    }
  };
}

function failureOf(error: unknown): [number, string] {
  if (!(error instanceof ReplayError)) return [500, `unexpected error: ${String(error)}`];
  if (error.code === "RUN_NOT_FOUND" || error.code === "SCHEDULE_NOT_FOUND") return [404, error.message];
  if (error.code === "RUN_NOT_RESUMABLE") return [409, error.message];
  if (error.code.startsWith("INVALID_")) return [400, error.message];
  if (error.code === "DATABASE_UNREACHABLE" || error.code === "SCHEMA_NOT_MIGRATED") return [503, error.message];
  return [500, error.message];
}

export const text = (body: Body, key: string): string => (typeof body[key] === "string" ? (body[key] as string) : "");

export const cancelAction: Action = async ({ client }, body) => {
  const [ns, wf, id] = [text(body, "namespace"), text(body, "workflow"), text(body, "runId")];
  const asked = await client.cancelRun(ns, wf, id);
  if (asked && (await client.getRun(ns, wf, id))?.status === "cancelled") {
    return { status: 200, message: `${wf}/${id} cancelled: it had not started` };
  }
  return asked
    ? { status: 200, message: `cancel of ${wf}/${id} requested; a worker ends the run at its next step` }
    : { status: 409, message: `${wf}/${id} was not cancelled: it ended already, or a cancel was asked before` };
};

export const resumeAction: Action = async ({ client }, body) => {
  const [ns, wf, id] = [text(body, "namespace"), text(body, "workflow"), text(body, "runId")];
  await client.resumeRun(ns, wf, id);
  return { status: 200, message: `${wf}/${id} resumed: it replays again` };
};

export const signalAction: Action = async ({ client }, body) => {
  const [ns, wf, id] = [text(body, "namespace"), text(body, "workflow"), text(body, "runId")];
  const [signal, externalId] = [text(body, "signal"), text(body, "externalId")];
  if (!("message" in body)) return { status: 400, message: "a signal needs a message (JSON; null for none)" };
  const sent = await client.signalRun(ns, wf, id, signal, body.message, externalId);
  return sent
    ? { status: 200, message: `signal ${signal} sent to ${wf}/${id}` }
    : { status: 409, message: `signal ${signal} with external id ${externalId} was sent before; nothing was sent` };
};
