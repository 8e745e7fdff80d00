import { describe, expect, it } from "vitest";
import { RunEndedError } from "../../errors.js";
import { refusedSignal, takesSignals } from "./signals.js";

const key = { namespace: "shop", workflow: "order", runId: "o-1" };

describe("a client's signal", () => {
  it("is taken by a running or stuck run, and kept for a run that does not exist yet", () => {
    expect(takesSignals("running")).toBe(true);
    expect(takesSignals("stuck")).toBe(true);
    expect(takesSignals(undefined)).toBe(true);
  });

  it("is refused by a run that ended", () => {
    for (const status of ["completed", "failed", "cancelled"]) expect(takesSignals(status)).toBe(false);
  });

  it("to an ended run is answered false when it was stored before (a retry), RunEndedError otherwise", () => {
    expect(refusedSignal(key, "completed", "go", true)).toBe(false);
    expect(() => refusedSignal(key, "completed", "go", false)).toThrow(RunEndedError);
  });
});
