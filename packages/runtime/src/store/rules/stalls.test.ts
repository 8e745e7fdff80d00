import { describe, expect, it } from "vitest";
import { keepsStallMark, stallsAfterClaim } from "./stalls.js";

const present = () => true;
const gone = () => false;

describe("stallsAfterClaim", () => {
  it("starts a run nobody held at no stalls, and is no takeover", () => {
    expect(stallsAfterClaim(null, "a", 2, true, present)).toEqual({ stalls: 0, takeover: false });
  });

  it("leaves the count alone when the owner claims again what it held", () => {
    expect(stallsAfterClaim("a", "a", 1, true, present)).toEqual({ stalls: 1, takeover: false });
  });

  it("counts a stall when a takeover finds the mark of a holder that is still present", () => {
    expect(stallsAfterClaim("a", "b", 1, true, present)).toEqual({ stalls: 2, takeover: true });
  });

  it("counts none when the holder is gone or never marked the run", () => {
    expect(stallsAfterClaim("a", "b", 1, true, gone)).toEqual({ stalls: 1, takeover: true });
    expect(stallsAfterClaim("a", "b", 1, false, present)).toEqual({ stalls: 1, takeover: true });
  });

  it("asks about the holder's presence only for a marked takeover", () => {
    const asked: string[] = [];
    const ask = (holder: string) => {
      asked.push(holder);
      return true;
    };
    stallsAfterClaim("a", "b", 0, false, ask);
    stallsAfterClaim("a", "a", 0, true, ask);
    stallsAfterClaim("c", "b", 0, true, ask);
    expect(asked).toEqual(["c"]);
  });
});

describe("keepsStallMark", () => {
  it("keeps the mark only for the owner that set it", () => {
    expect(keepsStallMark("a", "a")).toBe(true);
    expect(keepsStallMark("a", "b")).toBe(false);
    expect(keepsStallMark(null, "b")).toBe(false);
  });
});
