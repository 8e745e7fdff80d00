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
});
