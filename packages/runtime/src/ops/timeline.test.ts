import { describe, expect, it } from "vitest";
import type { HistoryEvent } from "../history/index.js";
import { ev, history, T0 } from "../replay/fixtures.js";
import { timelineOf } from "./timeline.js";

const run = (...events: Parameters<typeof history>[1][]) => history({ order: 1 }, ...events) as HistoryEvent[];

describe("timelineOf", () => {
  it("numbers the steps as forkRun does and pairs each with its result, attempts and times", () => {
    const steps = timelineOf(
      run(
        ev.activity("charge", 0, { cents: 5 }),
        { ...ev.result("charge", 0, { ok: true }, T0 + 40), payload: { result: { ok: true }, attempts: 3 } },
        ev.awaitSignal("ready", 0, 1000),
        ev.signal("ready", 0, { picker: "ann" }, T0 + 90),
        ev.output("shipped", 0, { id: "t1" }),
        ev.sleep(0, 500),
      ),
    );
    expect(steps.map(({ index, kind, name, outcome }) => [index, kind, name, outcome])).toEqual([
      [0, "activity", "charge", "completed"],
      [1, "signal", "ready", "completed"],
      [2, "output", "shipped", "recorded"],
      [3, "sleep", "", "pending"],
    ]);
    expect(steps[0]).toMatchObject({ attempts: 3, startedAt: T0, endedAt: T0 + 40, response: { ok: true } });
    expect(steps[0]?.request).toEqual({ cents: 5 });
    expect(steps[1]?.response).toEqual({ picker: "ann" });
    expect(steps[3]?.endedAt).toBeUndefined();
  });

  it("tells failed activities, timed-out awaits and children started without waiting apart", () => {
    const steps = timelineOf(
      run(
        ev.activity("charge", 0, null),
        ev.failure("charge", 0, "declined", 2),
        ev.awaitSignal("ready", 0, 10),
        ev.signalTimedOut("ready", 0),
        ev.child("invoice", 0, "inv-1", null, false),
        ev.child("ship", 0, "ship-1", null),
        ev.childFailed("ship", 0, "ship-1", "no courier"),
      ),
    );
    expect(steps.map((step) => step.outcome)).toEqual(["failed", "timed out", "recorded", "failed"]);
    expect(steps[0]).toMatchObject({ attempts: 2, response: { name: "Error", message: "declined" } });
  });

  it("shows each accepted update as a step answered by its completion, and conditions by how they ended", () => {
    const steps = timelineOf(
      run(
        ev.condition(0, 1000),
        ev.updateAccepted("approve", 0, "u1", { by: "ann" }, T0 + 10),
        ev.updateResult("approve", 0, "u1", "approved"),
        ev.conditionHeld(0),
        ev.updateAccepted("approve", 1, "u2", { by: "bob" }),
        ev.updateError("approve", 1, "u2", "already approved"),
        ev.condition(1, 1000),
        ev.conditionTimedOut(1),
        ev.updateAccepted("cancel", 0, "u3", null),
      ),
    );
    expect(steps.map(({ kind, name, outcome }) => [kind, name, outcome])).toEqual([
      ["condition", "", "completed"],
      ["update", "approve", "completed"],
      ["update", "approve", "failed"],
      ["condition", "", "timed out"],
      ["update", "cancel", "pending"],
    ]);
    expect(steps[1]).toMatchObject({ request: { updateId: "u1", input: { by: "ann" } }, response: "approved" });
    expect(steps[2]?.response).toMatchObject({ message: "already approved" });
  });
});
