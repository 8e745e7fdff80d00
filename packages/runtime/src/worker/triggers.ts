import type { EventTrigger, TriggerEvent, WorkerOptions } from "../api.js";
import { toMillis } from "../duration.js";
import type { StoredPublishedEvent } from "../history/index.js";
import { decodePayload, validateName } from "../json.js";
import type { DebounceWindow, SingletonPolicy } from "../store/rules/triggers.js";
import type { TriggerPlan } from "../store/types.js";

/** A trigger of the worker's options, checked, its durations in ms. */
export interface ResolvedTrigger {
  readonly workflow: string;
  readonly event: string;
  readonly runId: (data: unknown, event: TriggerEvent) => string;
  readonly debounce?: DebounceWindow;
  readonly singleton?: SingletonPolicy;
}

/** What is wrong with the triggers of worker options, as createWorker reports it. */
export function triggerProblems(options: Pick<WorkerOptions, "triggers" | "workflows">): string[] {
  const problems: string[] = [];
  for (const [workflow, trigger] of Object.entries(options.triggers ?? {})) {
    const at = `triggers.${workflow}`;
    if (options.workflows?.[workflow] === undefined) problems.push(`${at}: workflow "${workflow}" is not in workflows`);
    try {
      validateName("trigger event", trigger.event);
    } catch (error) {
      problems.push(`${at}.event: ${(error as Error).message}`);
    }
    if (typeof trigger.runId !== "function") problems.push(`${at}.runId must be a function (data, event) => run id`);
    if (trigger.singleton !== undefined && trigger.singleton !== "skip" && trigger.singleton !== "replace") {
      problems.push(`${at}.singleton must be "skip" or "replace", got ${JSON.stringify(trigger.singleton)}`);
    }
    problems.push(...debounceProblems(at, trigger));
  }
  return problems;
}

function debounceProblems(at: string, trigger: EventTrigger): string[] {
  const { debounce } = trigger;
  if (debounce === undefined) return [];
  if (trigger.singleton !== undefined) return [`${at}: give debounce or singleton, not both`];
  try {
    const period = toMillis(debounce.period);
    if (period <= 0) return [`${at}.debounce.period must be longer than 0`];
    if (debounce.maxDelay !== undefined && toMillis(debounce.maxDelay) < period) {
      return [`${at}.debounce.maxDelay must be at least the period`];
    }
  } catch (error) {
    return [`${at}.debounce: ${(error as Error).message}`];
  }
  return [];
}

/** The triggers of checked options. */
export function resolveTriggers(triggers: WorkerOptions["triggers"]): readonly ResolvedTrigger[] {
  return Object.entries(triggers ?? {}).map(([workflow, trigger]) => {
    const { event, debounce, singleton } = trigger;
    const window =
      debounce === undefined
        ? undefined
        : {
            periodMs: toMillis(debounce.period),
            ...(debounce.maxDelay === undefined ? {} : { maxDelayMs: toMillis(debounce.maxDelay) }),
          };
    const runId = trigger.runId as (data: unknown, event: TriggerEvent) => string;
    return { workflow, event, runId, ...(window ? { debounce: window } : {}), ...(singleton ? { singleton } : {}) };
  });
}

/**
 * The runs an event starts, one per trigger of its name, or a refusal to say in the log: a
 * trigger whose runId throws or gives no valid name starts nothing for the event.
 */
export function triggerPlans(
  triggers: readonly ResolvedTrigger[],
  event: StoredPublishedEvent,
  codeVersion: string | undefined,
): { readonly plans: TriggerPlan[]; readonly problems: string[] } {
  const plans: TriggerPlan[] = [];
  const problems: string[] = [];
  const matching = triggers.filter((trigger) => trigger.event === event.name);
  if (matching.length === 0) return { plans, problems };
  let data: unknown;
  try {
    data = decodePayload(event.dataText, `event ${event.eventId}`);
  } catch (error) {
    // A row written outside replaykit: dispatched to its waits, but it starts no run.
    return { plans, problems: [`event ${event.eventId} starts no run: ${(error as Error).message}`] };
  }
  const info: TriggerEvent = {
    eventId: event.eventId,
    name: event.name,
    key: event.key ?? undefined,
    publishedAt: new Date(event.publishedAt),
  };
  for (const trigger of matching) {
    try {
      const runId = validateName(`runId of trigger ${trigger.workflow}`, trigger.runId(data, info));
      const { workflow, debounce, singleton } = trigger;
      plans.push({ workflow, runId, inputText: event.dataText, codeVersion, debounce, singleton });
    } catch (error) {
      problems.push(
        `trigger ${trigger.workflow} started no run for event ${event.eventId}: ${(error as Error).message}`,
      );
    }
  }
  return { plans, problems };
}
