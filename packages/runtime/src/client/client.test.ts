import { describe, expect, it } from "vitest";
import { ResultTimeoutError } from "../errors.js";
import { createMemoryStore } from "../store/memory/index.js";
import { type AwaitResultObserver, createStoreClient } from "./client.js";

/** An observer that notes each call, and how many waits were open at the time. */
function watching(): AwaitResultObserver & { readonly seen: string[] } {
  let open = 0;
  const seen: string[] = [];
  return {
    seen,
    awaitBegan: () => seen.push(`began ${++open}`),
    awaitEnded: () => seen.push(`ended ${--open}`),
  };
}

describe("the client's awaitObserver", () => {
  it("is told when an awaitResult begins and when it ends, also when the wait times out", async () => {
    const observer = watching();
    const client = createStoreClient(createMemoryStore(), { awaitObserver: observer });
    const waiting = client.awaitResult("shop", "order", "o-1", { timeout: 20 });
    expect(observer.seen).toEqual(["began 1"]);
    await expect(waiting).rejects.toBeInstanceOf(ResultTimeoutError);
    expect(observer.seen).toEqual(["began 1", "ended 0"]);
  });

  it("is not told of a call refused for its arguments, which never waits", async () => {
    const observer = watching();
    const client = createStoreClient(createMemoryStore(), { awaitObserver: observer });
    await expect(client.awaitResult("shop", "order", "")).rejects.toMatchObject({ code: "INVALID_NAME" });
    expect(observer.seen).toEqual([]);
  });
});

describe("createStoreClient", () => {
  it("starts runs through runWorkflow and triggerSchedule alike: created once, then false or the same tick", async () => {
    const client = createStoreClient(createMemoryStore());
    expect(await client.runWorkflow("shop", "order", "o-1", { sku: "A1" })).toBe(true);
    expect(await client.runWorkflow("shop", "order", "o-1", { sku: "A1" })).toBe(false);
    await client.createSchedule("shop", { id: "nightly", workflow: "report", cron: "0 0 * * *", input: null });
    const runId = await client.triggerSchedule("shop", "nightly");
    expect(runId).toMatch(/^nightly@/);
    expect(await client.getRun("shop", "report", runId)).toMatchObject({ status: "running" });
    expect(await client.getRun("shop", "order", "o-1")).toMatchObject({ status: "running" });
  });
});
