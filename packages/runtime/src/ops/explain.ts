import { describeCycle } from "../history/index.js";
import type { PendingActivity, RunDescription } from "./description.js";

/**
 * One sentence (clauses joined by "; ") on what a run waits for, for error messages: see waitingClauses.
 */
export function explainWaiting(run: RunDescription): string {
  return waitingClauses(run).join("; ");
}

/**
 * What a run waits for, one clause per thing: pending activities with their failed attempts,
 * last error and next attempt, then signals, timers, children, tokens and events, then who holds the run or
 * that no worker took it.
 */
export function waitingClauses(run: RunDescription): string[] {
  if (run.state === "ended") return [`it ended as ${run.status}`];
  if (run.state === "paused")
    return ["it is paused: unpauseRun lets it go on", ...waitingClauses({ ...run, state: "waiting" })];
  const { activities, signals, timers, children, tokens, events } = run.waitingFor;
  const clauses = [
    ...activities.map((activity) => explainActivity(activity, run)),
    ...signals.map((wait) => `signal "${wait.signal}" (until ${iso(wait.until)})`),
    ...timers.map((timer) => `a timer until ${iso(timer.until)}`),
    ...children.map((child) => `child run ${child.workflow}/${child.runId}`),
    ...tokens.map((token) => `token ${token.tokenId}${token.until ? ` (until ${iso(token.until)})` : ""}`),
    ...events.map(
      (wait) =>
        `event "${wait.event}"${wait.key === undefined ? "" : ` with key "${wait.key}"`} (until ${iso(wait.until)})`,
    ),
  ];
  if (run.waitCycle !== undefined) {
    clauses.push(
      `a cycle of runs waiting for each other, which none of them can leave: ${describeCycle(run.waitCycle)} (each waits for the next); cancel one of them`,
    );
  }
  if (run.cancelRequested) clauses.push("a cancel was requested and is not handled yet");
  if (run.state === "queued" && !activities.some((activity) => activity.state === "due")) {
    clauses.push(noWorker(run));
  }
  if (clauses.length === 0 && run.lease)
    clauses.push(`worker ${run.lease.owner} holds it until ${iso(run.lease.until)}`);
  return clauses.length === 0 ? ["nothing it recorded yet"] : clauses;
}

function explainActivity(activity: PendingActivity, run: RunDescription): string {
  const name = `activity ${activity.activity}#${activity.seq}`;
  const failures =
    activity.failedAttempts === 0
      ? ""
      : `: ${activity.failedAttempts} ${activity.failedAttempts === 1 ? "attempt" : "attempts"} failed, the last with ${activity.lastError?.name ?? "an error"}: ${activity.lastError?.message ?? "(no message)"}`;
  switch (activity.state) {
    case "backoff":
      return `${name}${failures} (next attempt at ${iso(activity.nextAttemptAt)})`;
    case "running":
      return `${name}${failures} (an attempt runs on worker ${run.lease?.owner ?? "(unknown)"})`;
    case "due":
      return `${name}${failures} (due since ${iso(activity.nextAttemptAt)}, ${noWorker(run)})`;
  }
}

/** Why a due run may sit unclaimed: no worker of its namespace (and queue, and version). */
function noWorker(run: RunDescription): string {
  const needs = [`namespace "${run.namespace}"`];
  if (run.queue !== undefined) needs.push(`queue "${run.queue}"`);
  if (run.version !== undefined) needs.push(`version "${run.version}"`);
  const limits = run.queue === undefined ? "" : ` (or the limits of queue "${run.queue}" hold it back)`;
  return `no worker has taken it yet${limits}: check that a worker runs ${needs.join(" with ")} and registers workflow "${run.workflow}"`;
}

const iso = (date: Date) => date.toISOString();
