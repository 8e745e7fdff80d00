import { describe, expect, it } from "vitest";
import { TokenExpiredError, UnknownTokenError } from "../../errors.js";
import { T } from "./fixtures/steps.js";
import { type StoredToken, TokenState, tokenCompletion, tokenTimeoutRefusal } from "./tokens.js";

const run = { namespace: "shop", workflow: "order", runId: "o-1" };
const token = (overrides: Partial<StoredToken> = {}): StoredToken => ({
  tokenId: "tok_a",
  run,
  iteration: 0,
  state: TokenState.Waiting,
  expiresAt: T + 1000,
  ...overrides,
});
const running = { status: "running", iteration: 0 };
const complete = { failed: false, completionText: '{"value":1}', now: T + 10 };

describe("a token completion", () => {
  it("of a waiting token is delivered to its run's inbox and completes or fails the token", () => {
    const accepted = tokenCompletion("tok_a", token(), running, complete);
    expect(accepted).toEqual({
      kind: "accepted",
      state: "completed",
      delivery: { key: run, signal: { signal: "/token", externalId: "tok_a", payloadText: '{"value":1}' } },
    });
    expect(tokenCompletion("tok_a", token(), running, { ...complete, failed: true })).toMatchObject({
      state: "failed",
    });
  });

  it("of a token completed or failed before is answered as a repeat, never an error", () => {
    for (const state of [TokenState.Completed, TokenState.Failed]) {
      expect(tokenCompletion("tok_a", token({ state }), running, complete)).toEqual({ kind: "already", run });
    }
  });

  it("of an unknown token is refused with UnknownTokenError", () => {
    expect(() => tokenCompletion("tok_x", undefined, undefined, complete)).toThrow(UnknownTokenError);
  });

  it("past the timeout, after the timeout was delivered, or once the run ended or restarted is refused as expired", () => {
    const late = { ...complete, now: T + 1000 };
    expect(() => tokenCompletion("tok_a", token(), running, late)).toThrow(TokenExpiredError);
    expect(() => tokenCompletion("tok_a", token({ state: TokenState.Expired }), running, complete)).toThrow(
      /timeout passed/,
    );
    expect(() => tokenCompletion("tok_a", token(), { status: "completed", iteration: 0 }, complete)).toThrow(
      /has ended \(completed\)/,
    );
    expect(() => tokenCompletion("tok_a", token(), { status: "running", iteration: 1 }, complete)).toThrow(/restarted/);
    expect(() => tokenCompletion("tok_a", token(), undefined, complete)).toThrow(/no longer exists/);
  });

  it("of a token without a timeout is taken at any time", () => {
    expect(tokenCompletion("tok_a", token({ expiresAt: null }), running, { ...complete, now: T * 2 })).toMatchObject({
      kind: "accepted",
    });
  });
});

describe("a token's timeout", () => {
  it("stands while the token waits, and refuses the step once a client completed or failed it", () => {
    expect(tokenTimeoutRefusal("tok_a", TokenState.Waiting)).toBeUndefined();
    expect(tokenTimeoutRefusal("tok_a", TokenState.Expired)).toBeUndefined();
    expect(tokenTimeoutRefusal("tok_a", TokenState.Completed)).toMatch(/tok_a was completed/);
    expect(tokenTimeoutRefusal("tok_a", TokenState.Failed)).toMatch(/failed/);
  });
});
