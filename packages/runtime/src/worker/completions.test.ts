import { describe, expect, it } from "vitest";
import { ActivityTimeoutError, NonRetryableError } from "../errors.js";
import { afterFailure } from "./completions.js";

const NOW = 1_000_000;
const retry = { initialInterval: 1000, backoffCoefficient: 2 };

describe("afterFailure", () => {
  it("retries a failed attempt after the policy's delay", () => {
    const error = new Error("down");
    const failed = { target: "charge", attempt: 2, error, final: false };
    expect(afterFailure(failed, { retry }, undefined, NOW)).toEqual({ retryAt: NOW + 2000 });
  });

  it("fails for good with the attempt's error when it is final, not retryable, or out of attempts", () => {
    const error = new Error("bad card");
    expect(afterFailure({ target: "charge", attempt: 1, error, final: true }, { retry }, undefined, NOW)).toEqual({
      failure: error,
    });
    const refused = new NonRetryableError("refused");
    expect(
      afterFailure({ target: "charge", attempt: 1, error: refused, final: false }, { retry }, undefined, NOW),
    ).toEqual({ failure: refused });
    const options = { retry: { ...retry, maxAttempts: 3 } };
    expect(afterFailure({ target: "charge", attempt: 3, error, final: false }, options, undefined, NOW)).toEqual({
      failure: error,
    });
  });

  it("fails with a scheduleToClose timeout, caused by the attempt's error, when no retry fits before the deadline", () => {
    const error = new Error("slow");
    const options = { retry, scheduleToCloseTimeout: "5s" as const };
    const failed = { target: "charge", attempt: 1, error, final: false };
    expect(afterFailure(failed, options, NOW + 1001, NOW)).toEqual({ retryAt: NOW + 1000 });
    const next = afterFailure(failed, options, NOW + 1000, NOW);
    expect("failure" in next && next.failure).toBeInstanceOf(ActivityTimeoutError);
    expect("failure" in next && next.failure).toMatchObject({ kind: "scheduleToClose", cause: error });
  });
});
