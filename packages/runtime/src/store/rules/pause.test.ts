import { describe, expect, it } from "vitest";
import { RunNotFoundError } from "../../errors.js";
import { EventType } from "../../history/index.js";
import { pausing, refusedIfPaused, takesArrivals, unpausing, wakeUnlessPaused } from "./pause.js";

const T = Date.UTC(2030, 0, 1);
const key = { namespace: "shop", workflow: "order", runId: "o-1" };
const run = (status: string, paused: boolean) => ({ status, paused, iteration: 2 });

describe("pausing", () => {
  it("pauses a running or stuck run: no wake time, and a `paused` mark outside replay", () => {
    const change = pausing(key, run("running", false), T);
    expect(change?.set).toEqual({ paused: true, wakeAt: null, updatedAt: T });
    expect(change?.event).toMatchObject({ iteration: 2, pos: null, event: { type: EventType.Paused } });
    expect(pausing(key, run("stuck", false), T)?.set.paused).toBe(true);
  });

  it("changes nothing when the run is paused already or has ended, and refuses a run that does not exist", () => {
    expect(pausing(key, run("running", true), T)).toBeUndefined();
    for (const status of ["completed", "failed", "cancelled", "terminated"]) {
      expect(pausing(key, run(status, false), T)).toBeUndefined();
    }
    expect(() => pausing(key, undefined, T)).toThrow(RunNotFoundError);
  });
});

describe("unpausing", () => {
  it("makes a paused running run due at once, so the timers that came due meanwhile fire", () => {
    const change = unpausing(key, run("running", true), T);
    expect(change?.set).toEqual({ paused: false, wakeAt: T, updatedAt: T });
    expect(change?.event.event.type).toBe(EventType.Unpaused);
  });

  it("leaves a stuck run without a wake time (resumeRun wakes it), and a run not paused alone", () => {
    expect(unpausing(key, run("stuck", true), T)?.set.wakeAt).toBeNull();
    expect(unpausing(key, run("running", false), T)).toBeUndefined();
  });
});

describe("wakeUnlessPaused", () => {
  it("gives a paused run no wake time, whatever a writer would give it", () => {
    expect(wakeUnlessPaused(true, T)).toBeNull();
    expect(wakeUnlessPaused(false, T)).toBe(T);
    expect(wakeUnlessPaused(false, null)).toBeNull();
  });
});

describe("takesArrivals", () => {
  it("gives a paused run's step its attempts' results only, and a running run's everything that arrived", () => {
    expect(takesArrivals(true)).toBe(false);
    expect(takesArrivals(false)).toBe(true);
  });
});

describe("refusedIfPaused", () => {
  it("refuses, on a paused run, a step taken up without a read or one that took arrivals, and commits one that recorded results only", () => {
    expect(refusedIfPaused({ unread: true, tookArrivals: false })).toBe(true);
    expect(refusedIfPaused({ unread: false, tookArrivals: true })).toBe(true);
    expect(refusedIfPaused({ unread: false, tookArrivals: false })).toBe(false);
  });
});
