import { describe, expect, expectTypeOf, it } from "vitest";
import { ReplayError, type ReplayErrorCode, RunNotFoundError, UnknownWorkflowError } from "./errors.js";

describe("ReplayErrorCode", () => {
  it("types every error's code, so that a misspelt code in a comparison does not compile", () => {
    const error: ReplayError = new RunNotFoundError("shop", "order", "o-1");
    expectTypeOf(error.code).toEqualTypeOf<ReplayErrorCode>();
    // @ts-expect-error: "RUN_NOT_FOUD" is no code, so the comparison has no overlap
    const misspelt = error.code === "RUN_NOT_FOUD";
    expect(misspelt).toBe(false);
    expect(error.code).toBe("RUN_NOT_FOUND");
  });

  it("refuses a code outside the union when an error is built", () => {
    // @ts-expect-error: every code is declared in ReplayErrorCode
    const error = new ReplayError("NO_SUCH_CODE", "made up");
    expect(error).toBeInstanceOf(ReplayError);
  });
});

describe("UnknownWorkflowError", () => {
  it("says the workflow is not registered on this worker, unless told where it was looked for", () => {
    expect(new UnknownWorkflowError("shop", "order").message).toContain("is not registered on this worker");
    const elsewhere = new UnknownWorkflowError("shop", "order", "not among the workflows given");
    expect(elsewhere).toMatchObject({ code: "UNKNOWN_WORKFLOW", workflow: "order" });
    expect(elsewhere.message).toBe("not among the workflows given");
  });
});
