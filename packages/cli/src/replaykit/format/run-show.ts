import { type RunDescription, type SerializedError, type TimelineStep, waitingClauses } from "@replaykit/runtime";
import { peopleJson, peopleLine, type SealedOf, sealedText } from "../../shared/sealed.js";
import { outcomeOf } from "../../shared/steps.js";
import { counted, duration, time } from "../../shared/values.js";
import { bar } from "./bars.js";
import { fields, printable, table } from "./table.js";

const BAR_WIDTH = 24;

/**
 * `runs show` for people: the run, what it waits for, its steps on a time axis, its inbox. Every
 * stored value in it (an error's message and stack, an activity's last error, a result) is shown
 * with its control characters escaped (printable), as tables show theirs. A payload the client's
 * view sealed shows as its words: `encrypted (key k1, 3.2 KiB)`.
 */
export function showRun(run: RunDescription, steps: readonly TimelineStep[], now: number, sealedOf: SealedOf): string {
  const sections = [
    header(run, sealedOf),
    outcome(run, sealedOf),
    waiting(run),
    timeline(run, steps, now, sealedOf),
    inbox(run, sealedOf),
  ];
  return printable(sections.filter((section) => section !== "").join("\n\n"));
}

function header(run: RunDescription, sealedOf: SealedOf): string {
  const state = run.status === "running" ? `running: ${run.state}` : run.status;
  const pairs: [string, string][] = [
    ["run", `${run.workflow}/${run.runId} (namespace ${run.namespace})`],
    ["status", run.cancelRequested && run.status === "running" ? `${state}, cancel asked` : state],
    ["iteration", String(run.iteration)],
    ["created", time(run.createdAt)],
    ["updated", time(run.updatedAt)],
  ];
  if (run.version !== undefined) pairs.push(["version", run.version]);
  if (run.queue !== undefined) pairs.push(["queue", `${run.queue} (priority ${run.priority})`]);
  if (run.concurrencyKey !== undefined) pairs.push(["concurrency key", run.concurrencyKey]);
  if (run.parent !== undefined) pairs.push(["parent", `${run.parent.workflow}/${run.parent.runId}`]);
  if (run.deadline !== undefined) pairs.push(["deadline", time(run.deadline)]);
  if (run.scheduledAt !== undefined) pairs.push(["scheduled at", time(run.scheduledAt)]);
  if (run.status === "running") {
    pairs.push([
      "lease",
      run.lease ? `${run.lease.owner} until ${time(run.lease.until)}` : "none (no worker holds it)",
    ]);
    pairs.push(["next look", run.wakeAt ? time(run.wakeAt) : "when a signal arrives"]);
  }
  pairs.push(["input", peopleLine(run.input, sealedOf, 200)]);
  return fields(pairs);
}

function outcome(run: RunDescription, sealedOf: SealedOf): string {
  if (run.status === "completed") return `result\n${indent(peopleJson(run.result ?? null, sealedOf, 2))}`;
  if (run.error === undefined) return "";
  const sealed = sealedOf(run.error);
  return `error\n${indent(sealed ? sealedText(sealed) : errorText(run.error))}`;
}

/** name: message, the stack, and the causes, each indented under the last. */
function errorText(error: SerializedError): string {
  const stack = error.stack?.split("\n").slice(1).join("\n");
  const own = stack ? `${error.name}: ${error.message}\n${stack}` : `${error.name}: ${error.message}`;
  return error.cause ? `${own}\ncaused by ${errorText(error.cause)}` : own;
}

function waiting(run: RunDescription): string {
  if (run.status !== "running") return "";
  return `waiting for\n${indent(waitingClauses(run).join("\n"))}`;
}

function timeline(run: RunDescription, steps: readonly TimelineStep[], now: number, sealedOf: SealedOf): string {
  if (steps.length === 0) return `steps\n  (none recorded in iteration ${run.iteration})`;
  const start = run.createdAt.getTime();
  const end = run.status === "running" ? now : Math.max(run.updatedAt.getTime(), ...steps.map(endOf(now)));
  const axis = { start, end, width: BAR_WIDTH };
  const rows = steps.map((step) => [
    String(step.index),
    `${step.kind} ${step.name ? `${step.name}#` : "#"}${step.seq}`,
    `+${duration(step.startedAt - start)}`,
    step.outcome === "recorded" ? "-" : duration(endOf(now)(step) - step.startedAt),
    step.attempts === undefined ? attemptsOfPending(run, step) : String(step.attempts),
    outcomeOf(step, sealedOf),
    bar(axis, step.startedAt, endOf(now)(step), step.outcome === "pending" ? "░" : "█"),
  ]);
  const title = `steps (iteration ${run.iteration}: ${counted(steps.length, "step")} over ${duration(end - start)})`;
  const columns = [
    { heading: "#", align: "right" as const },
    { heading: "step" },
    { heading: "started" },
    { heading: "took", align: "right" as const },
    { heading: "attempts", align: "right" as const },
    { heading: "outcome" },
    { heading: `|${"-".repeat(BAR_WIDTH - 2)}|` },
  ];
  return `${title}\n${indent(table(columns, rows))}`;
}

const endOf = (now: number) => (step: TimelineStep) => step.endedAt ?? now;

function attemptsOfPending(run: RunDescription, step: TimelineStep): string {
  if (step.kind !== "activity" || step.outcome !== "pending") return "-";
  const pending = run.waitingFor.activities.find((a) => a.activity === step.name && a.seq === step.seq);
  return pending === undefined ? "-" : `${pending.failedAttempts} failed`;
}

function inbox(run: RunDescription, sealedOf: SealedOf): string {
  if (run.inbox.length === 0) return "";
  const rows = run.inbox.map((signal) => [
    signal.signal,
    signal.externalId,
    time(signal.receivedAt),
    peopleLine(signal.message, sealedOf),
  ]);
  const columns = [{ heading: "signal" }, { heading: "external id" }, { heading: "received" }, { heading: "message" }];
  return `signals received, not consumed yet\n${indent(table(columns, rows))}`;
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `  ${line}`)
    .join("\n");
}
