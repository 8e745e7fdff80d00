import { describe, expect, it } from "vitest";
import type { EventTrigger } from "../api.js";
import { resolveTriggers, triggerPlans, triggerProblems } from "./triggers.js";

const workflows = { welcome: async () => null, digest: async () => null };
const event = (dataText: string, name = "user.signup") => ({
  eventId: "e-1",
  name,
  key: "u-1",
  publishedAt: Date.UTC(2030, 0, 1),
  dataText,
});

describe("trigger options", () => {
  it("are refused, every problem at once, when they name no workflow of the worker or mix debounce and singleton", () => {
    const triggers: Record<string, EventTrigger> = {
      missing: { event: "x", runId: () => "r" },
      welcome: { event: "a/b", runId: "r" as never },
      digest: { event: "x", runId: () => "r", debounce: { period: "1m", maxDelay: "1s" }, singleton: "skip" },
    };
    expect(triggerProblems({ workflows, triggers })).toEqual([
      'triggers.missing: workflow "missing" is not in workflows',
      expect.stringMatching(/^triggers\.welcome\.event: invalid trigger event "a\/b"/),
      "triggers.welcome.runId must be a function (data, event) => run id",
      "triggers.digest: give debounce or singleton, not both",
    ]);
    expect(
      triggerProblems({ workflows, triggers: { digest: { event: "x", runId: () => "r", debounce: { period: 0 } } } }),
    ).toEqual(["triggers.digest.debounce.period must be longer than 0"]);
  });
});

describe("the runs an event starts", () => {
  const triggers = resolveTriggers({
    welcome: { event: "user.signup", runId: (user: { id: string }, info) => `welcome-${user.id}-${info.key}` },
    digest: { event: "user.signup", runId: () => "bad/id", debounce: { period: "1m" } },
  });

  it("are one per trigger of the event's name, with the run id its runId gives and the event's data as input", () => {
    const { plans, problems } = triggerPlans(triggers, event('{"id":"7"}'), "v2");
    expect(plans).toEqual([
      {
        workflow: "welcome",
        runId: "welcome-7-u-1",
        inputText: '{"id":"7"}',
        codeVersion: "v2",
        debounce: undefined,
        singleton: undefined,
      },
    ]);
    expect(problems).toEqual([expect.stringMatching(/^trigger digest started no run for event e-1: invalid runId/)]);
    expect(triggerPlans(triggers, event("{}", "other"), undefined)).toEqual({ plans: [], problems: [] });
  });

  it("are none for an event whose data cannot be read, which is still dispatched to its waits", () => {
    const { plans, problems } = triggerPlans(triggers, event("{not json"), undefined);
    expect(plans).toEqual([]);
    expect(problems).toEqual([expect.stringMatching(/^event e-1 starts no run: stored payload of event e-1/)]);
  });
});
