import { describe, expect, it } from "vitest";
import { newEvent } from "../../history/index.js";
import { aStep, T } from "../rules/fixtures/steps.js";
import { eventRowBatches, packetBatches, packetBudget, stepBytes, unwritableStep } from "./packet.js";

const result = (bytes: number) => newEvent.activityResult("a", 0, JSON.stringify("x".repeat(bytes - 2)), 1, T);
const stepWith = (runId: string, ...sizes: number[]) =>
  aStep({ key: { namespace: "ns", workflow: "wf", runId }, events: sizes.map(result) });

describe("group commits sized by bytes", () => {
  it("counts a value twice (escaping can double it) and keeps room for the SQL", () => {
    expect(stepBytes(stepWith("a", 1000))).toBeGreaterThanOrEqual(2000);
    expect(packetBudget(4 * 1024 * 1024)).toBe(4 * 1024 * 1024 - 64 * 1024);
  });

  it("cuts a batch where its statements would pass the budget, keeping the steps in order", () => {
    const steps = ["a", "b", "c", "d", "e"].map((id) => stepWith(id, 400_000));
    const batches = packetBatches(steps, 2_000_000);
    expect(batches.map((batch) => batch.map((step) => step.key.runId))).toEqual([["a", "b"], ["c", "d"], ["e"]]);
  });

  it("puts a step larger than the budget in a batch of its own, its events in several groups", () => {
    const big = stepWith("big", 400_000, 400_000, 400_000);
    expect(packetBatches([stepWith("a", 10), big, stepWith("b", 10)], 1_000_000)).toHaveLength(3);
    const rows = big.events.map((event, pos) => ({ placed: { event, pos } }));
    expect(eventRowBatches(rows, 1_000_000).map((group) => group.length)).toEqual([1, 1, 1]);
    expect(unwritableStep(big, 1_000_000, 1_064_576)).toBeUndefined();
  });

  it("refuses a step with a value no packet can carry, as PacketTooLargeError", () => {
    const refused = unwritableStep(stepWith("huge", 600_000), 1_000_000, 1_064_576);
    expect(refused).toMatchObject({ ok: false, unwritable: { name: "PacketTooLargeError", maxPacket: 1_064_576 } });
  });
});
