import { createTestEnv, type TestEnv } from "@replaykit/runtime/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  awaitDigestResult,
  awaitOrderResult,
  BILLING_NAMESPACE,
  DIGEST_WORKFLOW,
  REFUND_WORKFLOW,
  runDigest,
  runOrder,
  startReplayLoops,
} from "../fixtures/composition/replay_gen.js";
import { customerOnboardingFollowUpReminder, digest, order, refund } from "../fixtures/composition/workflow.js";

// The generated layer of the composition fixture on the real engine with an in-memory store and
// virtual time: children through their default queues, typed signals between runs, and the
// manifest's queues and schedules applied by startReplayLoops.
describe("the composition fixture's generated code", () => {
  let env: TestEnv;
  let stop: () => Promise<void>;
  const queueOf = async (workflow: string, runId: string) =>
    (await env.client.getRun(BILLING_NAMESPACE, workflow, runId))?.queue;

  beforeEach(async () => {
    env = await createTestEnv({ start: Date.UTC(2030, 0, 1, 0, 30), schedules: true });
    const backends = { bank: { pay: async (orderId: string) => `re_${orderId}` } };
    const workflows = { order, refund, digest, customerOnboardingFollowUpReminder };
    // A queue of the caller's own, served beside the manifest's.
    const queues = { extra: { concurrency: 1 } };
    const worker = startReplayLoops({ client: env.client, backends, workflows, queues });
    stop = () => worker.stop();
    await env.settle();
  });
  afterEach(async () => {
    await stop();
    await env.close();
  });

  it("starts children on their workflow's default queue and signals them by their typed methods", async () => {
    await runOrder(env.client, "o1", { orderId: "o1", customer: "ana@example.com", cents: 500 });
    expect(await awaitOrderResult(env.client, "o1")).toEqual({ refundId: "re_o1" });
    expect(await queueOf(REFUND_WORKFLOW, "refund-o1")).toBe("payouts");
    expect(await queueOf(DIGEST_WORKFLOW, "digest-o1")).toBe("mail");
    expect(await awaitDigestResult(env.client, "digest-o1")).toEqual({ sent: 0 });
  });

  it("runs a workflow on its default queue unless the start names another; the worker serves the caller's queues too", async () => {
    const input = { to: "bo@example.com", tags: [], hour: 1, note: null };
    await runDigest(env.client, "d1", input);
    await runDigest(env.client, "d2", input, { queue: "payouts" });
    expect([await queueOf(DIGEST_WORKFLOW, "d1"), await queueOf(DIGEST_WORKFLOW, "d2")]).toEqual(["mail", "payouts"]);
    await env.client.runWorkflow(BILLING_NAMESPACE, DIGEST_WORKFLOW, "d3", input, { queue: "extra" });
    for (const runId of ["d1", "d2", "d3"]) expect(await awaitDigestResult(env.client, runId)).toEqual({ sent: 0 });
  });

  it("creates the manifest's schedules at start; the nightly one starts its run at 03:00 in Berlin", async () => {
    const schedules = await env.client.listSchedules(BILLING_NAMESPACE);
    expect(schedules.map((schedule) => [schedule.id, schedule.timezone, schedule.nextTick?.toISOString()])).toEqual([
      ["hourly", "UTC", "2030-01-01T01:00:00.000Z"],
      ["nightlyDigest", "Europe/Berlin", "2030-01-01T02:00:00.000Z"],
    ]);
    await env.advance("2h");
    const runId = "nightlyDigest@2030-01-01T02:00:00.000Z";
    expect(await awaitDigestResult(env.client, runId)).toEqual({ sent: 1 });
    // A schedule's runs start outside queues: the runtime's schedules have no queue (yet).
    expect(await queueOf(DIGEST_WORKFLOW, runId)).toBeUndefined();
  });
});
