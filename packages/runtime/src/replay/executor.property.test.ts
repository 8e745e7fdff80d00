import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Disturbance, drive } from "./fixtures/driver.js";
import { expectedResult, workflowSpec } from "./fixtures/random-workflow.js";

/** Runs per property; FC_RUNS raises it for a longer local fuzzing session. */
const RUNS = Number(process.env.FC_RUNS ?? 300);

/** Which pending command completes next, at each step (taken modulo the number pending). */
const choices = fc.infiniteStream(fc.nat());
const disturbances = fc.infiniteStream(
  fc.record({ crash: fc.boolean(), duplicate: fc.boolean() }, { noNullPrototype: true }),
);
const calm: Iterator<Disturbance> = { next: () => ({ value: { crash: false, duplicate: false }, done: false }) };

describe("the executor on random workflows (property-based)", () => {
  it("reaches the workflow's result under any order of completions", async () => {
    await fc.assert(
      fc.asyncProperty(workflowSpec, choices, async (spec, order) => {
        const run = await drive(spec, order, calm);
        expect(run.problems).toEqual([]);
        expect(run.outcome).toEqual({ kind: "completed", result: expectedResult(spec) });
      }),
      { numRuns: RUNS },
    );
  });

  it("records the same history and result when crashes and duplicate deliveries come between completions", async () => {
    await fc.assert(
      fc.asyncProperty(
        workflowSpec,
        fc.array(fc.nat(), { maxLength: 64 }),
        disturbances,
        async (spec, picks, noise) => {
          // Both runs complete the same commands in the same order; only the disturbances differ.
          const order = () => cycle(picks);
          const uninterrupted = await drive(spec, order(), calm);
          const disturbed = await drive(spec, order(), noise);
          expect(disturbed.problems).toEqual([]);
          expect(disturbed.outcome).toEqual(uninterrupted.outcome);
          expect(disturbed.history).toEqual(uninterrupted.history);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

/** The picks over and over (0 forever when there are none). */
function* cycle(picks: readonly number[]): Iterator<number> {
  for (let i = 0; ; i++) yield picks.length === 0 ? 0 : (picks[i % picks.length] ?? 0);
}
