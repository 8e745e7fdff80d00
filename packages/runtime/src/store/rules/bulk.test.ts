import { describe, expect, it } from "vitest";
import { RunNotResumableError } from "../../errors.js";
import type { BulkSpec } from "../bulk-records.js";
import { type BulkOperations, bulkFinished, bulkOutcome } from "./bulk.js";

const T = Date.UTC(2030, 0, 1);
const key = { namespace: "shop", workflow: "order", runId: "o-1" };
const run = (status: string, tags = { customer: "c-1" }) => ({
  workflow: "order",
  runId: "o-1",
  status,
  codeVersion: null,
  queue: null,
  createdAt: T,
  tags,
});
const spec = (action: BulkSpec["action"], extra: Partial<BulkSpec> = {}): BulkSpec => ({
  action,
  filter: { tags: { customer: "c-1" } },
  ...extra,
});

/** Operations that record what they were asked and answer `changed`. */
function operations(changed = true): BulkOperations & { calls: string[] } {
  const calls: string[] = [];
  const record = (call: string) => {
    calls.push(call);
    return changed;
  };
  return {
    calls,
    cancel: () => record("cancel"),
    terminate: (_key, reason) => record(`terminate ${reason}`),
    setPaused: (_key, paused) => record(paused ? "pause" : "unpause"),
    resume: (_key, version) => void record(`resume ${version}`),
    reset: (_key, toStep) => record(`reset ${toStep}`),
    signal: (_key, signal) => record(`signal ${signal.signal}`),
    purge: () => void record("purge"),
  };
}

describe("bulkOutcome", () => {
  it("does the action to a run that still matches the filter", async () => {
    const ops = operations();
    expect(await bulkOutcome(spec("pause"), key, run("running"), ops)).toEqual({ outcome: "done" });
    expect(await bulkOutcome(spec("reset", { toStep: 2 }), key, run("failed"), ops)).toEqual({ outcome: "done" });
    expect(await bulkOutcome(spec("terminate"), key, run("running"), ops)).toEqual({ outcome: "done" });
    expect(ops.calls).toEqual(["pause", "reset 2", "terminate terminated by a bulk action"]);
  });

  it("skips a run that is gone or stopped matching, and touches nothing of it", async () => {
    const ops = operations();
    expect(await bulkOutcome(spec("cancel"), key, undefined, ops)).toMatchObject({ outcome: "skipped" });
    const moved = await bulkOutcome(spec("cancel"), key, run("running", { customer: "c-2" }), ops);
    expect(moved).toEqual({ outcome: "skipped", reason: "it no longer matches the filter" });
    expect(ops.calls).toEqual([]);
  });

  it("skips a run the action had nothing to change in, with the reason", async () => {
    expect(await bulkOutcome(spec("pause"), key, run("running"), operations(false))).toEqual({
      outcome: "skipped",
      reason: "it is paused already, or has ended",
    });
  });

  it("fails a run the action refuses, with the refusal's message, and a running run a purge would delete", async () => {
    const refusing = {
      ...operations(),
      resume: () => {
        throw new RunNotResumableError("o-1", "running");
      },
    };
    expect(await bulkOutcome(spec("resume"), key, run("running"), refusing)).toEqual({
      outcome: "failed",
      reason: expect.stringContaining("cannot resume run o-1: it is running"),
    });
    const ops = operations();
    expect(await bulkOutcome(spec("purge"), key, run("running"), ops)).toMatchObject({ outcome: "failed" });
    expect(await bulkOutcome(spec("purge"), key, run("terminated"), ops)).toEqual({ outcome: "done" });
    expect(ops.calls).toEqual(["purge"]);
  });

  it("lets an error that is not a refusal (the database) through, so the item's transaction rolls back", async () => {
    const broken = {
      ...operations(),
      cancel: () => {
        throw new Error("connection lost");
      },
    };
    await expect(bulkOutcome(spec("cancel"), key, run("running"), broken)).rejects.toThrow("connection lost");
  });
});

describe("bulkFinished", () => {
  const progress = (matched: number, done: number, skipped = 0, failed = 0) => ({
    batchId: "b",
    matched,
    done,
    skipped,
    failed,
    failures: [],
  });

  it("is over once the listing is and every listed run has an outcome, whatever it was", () => {
    expect(bulkFinished({ listed: true }, progress(3, 1, 1, 1))).toBe(true);
    expect(bulkFinished({ listed: true }, progress(0, 0))).toBe(true);
  });

  it("is not while runs wait to be acted on, or while the listing goes on", () => {
    expect(bulkFinished({ listed: true }, progress(3, 2))).toBe(false);
    expect(bulkFinished({ listed: false }, progress(3, 3))).toBe(false);
  });
});
