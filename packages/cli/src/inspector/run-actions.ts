import { type Action, type Body, text } from "./actions.js";

/* The run page's controls beyond cancel and resume: pause, unpause, terminate and reset (all need the token). */

const keyOf = (body: Body) => [text(body, "namespace"), text(body, "workflow"), text(body, "runId")] as const;

export const pauseAction: Action = async ({ client }, body) => {
  const [ns, wf, id] = keyOf(body);
  return (await client.pauseRun(ns, wf, id))
    ? { status: 200, message: `${wf}/${id} paused: it takes no new step until unpaused` }
    : { status: 409, message: `${wf}/${id} was not paused: it is paused already, or it has ended` };
};

export const unpauseAction: Action = async ({ client }, body) => {
  const [ns, wf, id] = keyOf(body);
  return (await client.unpauseRun(ns, wf, id))
    ? { status: 200, message: `${wf}/${id} unpaused: it goes on now` }
    : { status: 409, message: `${wf}/${id} was not paused` };
};

export const terminateAction: Action = async ({ client }, body) => {
  const [ns, wf, id] = keyOf(body);
  const reason = text(body, "reason").trim();
  if (reason === "")
    return { status: 400, message: "terminating a run needs a reason: say why, it is kept with the run" };
  return (await client.terminateRun(ns, wf, id, reason))
    ? { status: 200, message: `${wf}/${id} terminated: ${reason}` }
    : { status: 409, message: `${wf}/${id} was not terminated: it had ended already` };
};

export const resetAction: Action = async ({ client }, body) => {
  const [ns, wf, id] = keyOf(body);
  const toStep = wholeNumber(body.toStep);
  if (toStep === undefined) {
    return {
      status: 400,
      message: `invalid step ${JSON.stringify(body.toStep)}: choose a step of the run (0 runs all again)`,
    };
  }
  const version = text(body, "version").trim();
  const iteration = await client.resetRun(ns, wf, id, { toStep, ...(version === "" ? {} : { version }) });
  return {
    status: 200,
    message: `${wf}/${id} reset to step ${toStep}: iteration ${iteration} reuses the steps before it`,
  };
};

/** A whole number from 0, given as a number or as the text of a form field. */
export function wholeNumber(value: unknown): number | undefined {
  const n = typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value) : value;
  return typeof n === "number" && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}
