import { describe, expect, it } from "vitest";
import type { ActivityContext, RunContext } from "../../src/api.js";
import { ActivityFailure, RunFailedError } from "../../src/errors.js";
import { useEngineDatabase } from "../support/helpers.js";

const env = useEngineDatabase();

/** The failure the workflow caught, as plain fields it can return. */
function caught(error: unknown) {
  if (!(error instanceof ActivityFailure)) return { notAnActivityFailure: String(error) };
  return { activity: error.activity, attempts: error.attempts, name: error.failure.name, message: error.message };
}

const tryActivity = (name: string) => async (ctx: RunContext) => {
  try {
    return { returned: await ctx.execActivity(name, null) };
  } catch (error) {
    return caught(error);
  }
};

describe("a workflow that throws a non-Error value", () => {
  it("fails the run with a NonErrorThrown error that shows the value", async () => {
    await env.worker({
      namespace: "throws",
      workflows: {
        text: async () => {
          throw "out of stock";
        },
        object: async () => {
          throw { code: 42, reason: "nope" };
        },
        nothing: async () => {
          throw undefined;
        },
      },
      activities: {},
    });
    const cases: [string, string][] = [
      ["text", "out of stock"],
      ["object", '{"code":42,"reason":"nope"}'],
      ["nothing", "undefined"],
    ];
    for (const [workflow] of cases) await env.client.runWorkflow("throws", workflow, "t1", null);
    for (const [workflow, shown] of cases) {
      const error = await env.client.awaitResult("throws", workflow, "t1", { timeout: "20s" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RunFailedError);
      expect((error as RunFailedError).failure.name).toBe("NonErrorThrown");
      expect((error as RunFailedError).failure.message).toContain(shown);
      expect((await env.client.getRun("throws", workflow, "t1"))?.status).toBe("failed");
    }
  });
});

function cycle(): unknown {
  const node: { next?: unknown } = {};
  node.next = node;
  return node;
}

describe("an activity that returns a non-serialisable value", () => {
  it("is seen by the workflow as an ActivityFailure naming the activity and what is wrong, without retries", async () => {
    let calls = 0;
    await env.worker({
      namespace: "unserialisable",
      workflows: { bigint: tryActivity("bigint"), cyclic: tryActivity("cyclic") },
      activities: {
        bigint: async () => {
          calls++;
          return { total: 10n };
        },
        cyclic: async () => {
          calls++;
          return cycle();
        },
      },
    });
    await env.client.runWorkflow("unserialisable", "bigint", "b1", null);
    await env.client.runWorkflow("unserialisable", "cyclic", "c1", null);
    const bigint = await env.client.awaitResult("unserialisable", "bigint", "b1", { timeout: "20s" });
    expect(bigint).toMatchObject({ activity: "bigint", attempts: 1, name: "InvalidPayloadError" });
    expect((bigint as { message: string }).message).toContain("activity bigint result at $.total");
    expect((bigint as { message: string }).message).toContain("BigInt");
    const cyclic = await env.client.awaitResult("unserialisable", "cyclic", "c1", { timeout: "20s" });
    expect(cyclic).toMatchObject({ activity: "cyclic", attempts: 1, name: "InvalidPayloadError" });
    expect((cyclic as { message: string }).message).toContain("cycle");
    expect(calls).toBe(2);
  });
});

describe("an oversized or non-serialisable value that reaches the store", () => {
  it("fails the activity attempt with InvalidPayloadError naming the size, and a workflow result with the path", async () => {
    await env.worker({
      namespace: "oversized",
      workflows: {
        big: tryActivity("big"),
        badResult: async () => ({ when: 1n }),
      },
      activities: { big: async () => "x".repeat(2 * 1024 * 1024) },
    });
    await env.client.runWorkflow("oversized", "big", "o1", null);
    await env.client.runWorkflow("oversized", "badResult", "o2", null);
    const big = await env.client.awaitResult("oversized", "big", "o1", { timeout: "20s" });
    expect(big).toMatchObject({ activity: "big", attempts: 1, name: "InvalidPayloadError" });
    expect((big as { message: string }).message).toContain("over the limit of 1048576");
    const failed = await env.client
      .awaitResult("oversized", "badResult", "o2", { timeout: "20s" })
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(RunFailedError);
    expect((failed as RunFailedError).failure.name).toBe("InvalidPayloadError");
    expect((failed as RunFailedError).failure.message).toContain("workflow result at $.when");
  });
});

describe("an activity that never returns", () => {
  it("times out with ActivityTimeoutError on each attempt, is retried per policy, and then fails to the workflow", async () => {
    const attempts: number[] = [];
    const aborted: string[] = [];
    await env.worker({
      namespace: "hangs",
      workflows: { flow: tryActivity("hang") },
      activities: {
        hang: {
          fn: (ctx: ActivityContext) => {
            attempts.push(ctx.attempt);
            ctx.signal.addEventListener("abort", () => aborted.push(String((ctx.signal.reason as Error).name)));
            return new Promise<never>(() => {});
          },
          timeout: "200ms",
          retry: { initialInterval: 50, maxAttempts: 3 },
        },
      },
    });
    await env.client.runWorkflow("hangs", "flow", "h1", null);
    const result = await env.client.awaitResult("hangs", "flow", "h1", { timeout: "20s" });
    expect(result).toMatchObject({ activity: "hang", attempts: 3, name: "ActivityTimeoutError" });
    expect((result as { message: string }).message).toContain("did not finish within its timeout of 200 ms");
    expect(attempts).toEqual([1, 2, 3]);
    expect(aborted).toEqual(["ActivityTimeoutError", "ActivityTimeoutError", "ActivityTimeoutError"]);
  });
});
