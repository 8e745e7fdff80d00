import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ActivityContext, ActivityFn, ActivityRegistration, Worker } from "../../src/api.js";
import { createWorker, type HistoryEvent } from "../../src/index.js";
import {
  activityNames,
  activityResult,
  expectedResult,
  perSite,
  signalMessage,
  signalSites,
  type WorkflowSpec,
  workflowOf,
  workflowSpec,
} from "../../src/replay/fixtures/random-workflow.js";
import { collectLogs, createTestEnv } from "../../src/testing/index.js";

/** Runs per property; FC_RUNS raises it for a longer local fuzzing session. */
const RUNS = Number(process.env.FC_RUNS ?? 25);
const NS = "random";
const START = Date.UTC(2030, 0, 1);
/** Virtual time moves in these steps; a crash may come between two. */
const TICK_MS = 700;
const MAX_TICKS = 400;

/**
 * One run of a random workflow on the real engine (worker, run actors, in-memory store) in
 * virtual time. The order in which parallel activities complete comes from how often each
 * fails before it succeeds (retries wait 1 s, 2 s, ... of virtual time). A crash stops the
 * worker at once (its run cache and actors are gone) and starts a new one, which replays the
 * run from the recorded history. Every answered signal is sent twice with one external id.
 */
async function play(spec: WorkflowSpec, failures: readonly number[], crashes: readonly boolean[]) {
  const env = await createTestEnv({ start: START });
  // The failing attempts are the point: their warnings are kept, not printed.
  const logs = collectLogs();
  const attempt = (ctx: ActivityContext, _b: unknown, input: { site: number }) => {
    if (ctx.attempt <= (failures[input.site] ?? 0))
      throw new Error(`attempt ${ctx.attempt} of site ${input.site} fails`);
    return Promise.resolve(activityResult(ctx.activity, input.site));
  };
  const activities: Record<string, ActivityRegistration> = {};
  for (const name of activityNames(spec, perSite)) activities[name] = attempt as ActivityFn;
  const start = async (generation: number): Promise<Worker> => {
    const worker = createWorker({
      client: env.client,
      namespace: NS,
      workflows: { random: workflowOf(spec, perSite) },
      activities,
      identity: `w${generation}`,
      stopTimeoutMs: 0,
      logger: logs,
    });
    await worker.start();
    return worker;
  };
  let worker = await start(0);
  const duplicates: boolean[] = [];
  for (const { name, site, delivered } of signalSites(spec, perSite)) {
    if (!delivered) continue;
    await env.client.signalRun(NS, "random", "r", name, signalMessage(site), `x-${site}`);
    duplicates.push(await env.client.signalRun(NS, "random", "r", name, signalMessage(site), `x-${site}`));
  }
  await env.client.runWorkflow(NS, "random", "r", null);
  for (let tick = 0; tick < MAX_TICKS; tick++) {
    await env.advance(TICK_MS);
    if ((await env.client.getRun(NS, "random", "r"))?.status !== "running") break;
    if (crashes[tick % Math.max(1, crashes.length)]) {
      await worker.stop();
      worker = await start(tick + 1);
    }
  }
  const outcome = await env.client
    .awaitResult(NS, "random", "r", { timeout: 1 })
    .catch((error: Error) => error.message);
  const history = await env.client.getHistory(NS, "random", "r");
  await worker.stop();
  await env.close();
  return { outcome, history, duplicates };
}

/** Events as the log keeps them, without the ones that differ only in when a worker looked. */
const comparable = (history: readonly HistoryEvent[]) =>
  history.map(({ type, target, seq, payload, at, pos }) => ({ type, target, seq, payload, at, pos }));

describe("the engine on random workflows (property-based, in-memory store, virtual time)", { timeout: 600_000 }, () => {
  it("reaches the workflow's result and records the history of an uninterrupted run, whatever crashes come between", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(
          workflowSpec.filter((spec) => spec.sites <= 24),
          fc.array(fc.nat({ max: 3 }), { minLength: 24, maxLength: 24 }),
          fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }),
        ),
        async ([spec, failures, crashes]) => {
          const calm = await play(spec, failures, [false]);
          const crashed = await play(spec, failures, crashes);
          expect(calm.outcome).toEqual(expectedResult(spec, perSite));
          expect(crashed.duplicates.every((sent) => !sent)).toBe(true);
          expect(crashed.outcome).toEqual(calm.outcome);
          expect(comparable(crashed.history)).toEqual(comparable(calm.history));
        },
      ),
      { numRuns: RUNS },
    );
  });
});
