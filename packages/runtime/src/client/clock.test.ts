import { describe, expect, it } from "vitest";
import { manualClock } from "./clock.js";
import { createLocalBus } from "./local-bus.js";

describe("manualClock", () => {
  it("stands still until advanced or set", () => {
    const clock = manualClock(1_000);
    expect(clock.now()).toBe(1_000);
    clock.advance(365 * 86_400_000);
    expect(clock.now()).toBe(1_000 + 365 * 86_400_000);
    clock.set(5);
    expect(clock.now()).toBe(5);
  });
});

describe("createLocalBus", () => {
  it("delivers wake-ups per namespace until the listener unsubscribes", () => {
    const bus = createLocalBus();
    const calls: string[] = [];
    const off = bus.onWake("a", () => calls.push("a"));
    bus.onWake("b", () => calls.push("b"));
    bus.wake("a");
    bus.wake("b");
    off();
    bus.wake("a");
    expect(calls).toEqual(["a", "b"]);
  });

  it("tells every run-ended listener, even when one of them throws", () => {
    const bus = createLocalBus();
    const ended: string[] = [];
    bus.onRunEnded(() => {
      throw new Error("listener bug");
    });
    bus.onRunEnded((ns, wf, id) => ended.push(`${ns}/${wf}/${id}`));
    bus.runEnded("ns", "wf", "r1");
    expect(ended).toEqual(["ns/wf/r1"]);
  });
});
