import { describe, expect, it } from "vitest";
import { ActivityFailure, RunFailedError } from "./errors.js";
import { serializeError } from "./serialize-error.js";

describe("serializeError", () => {
  it("survives an error that is its own cause, and a cycle through two errors", () => {
    const self = new Error("self");
    (self as { cause?: unknown }).cause = self;
    expect(serializeError(self)).toMatchObject({ message: "self", cause: { name: "CircularCause" } });
    const a = new Error("a");
    const b = new Error("b", { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(serializeError(a)).toMatchObject({
      message: "a",
      cause: { message: "b", cause: { name: "CircularCause" } },
    });
  });

  it("cuts a 20 MB message and stack so the error fits where results fit", () => {
    const error = new Error("x".repeat(20 * 1024 * 1024));
    const text = JSON.stringify(serializeError(error));
    expect(text.length).toBeLessThan(64 * 1024);
    expect(serializeError(error).message).toContain("more characters cut");
  });

  it("keeps a cause chain to 8 levels and says the rest was left out", () => {
    let error = new Error("level 0");
    for (let i = 1; i <= 20; i++) error = new Error(`level ${i}`, { cause: error });
    let serialized = serializeError(error);
    const messages: string[] = [];
    while (serialized.cause) {
      messages.push(serialized.message);
      serialized = serialized.cause;
    }
    expect(messages).toHaveLength(8);
    expect(serialized.name).toBe("CauseChainTooDeep");
  });

  it("keeps the activity's own error and its causes under an ActivityFailure, and under RunFailedError", () => {
    const thrown = new Error("main", { cause: new Error("why") });
    const failure = new ActivityFailure("charge", 1, 3, serializeError(thrown));
    const stored = serializeError(failure);
    expect(stored).toMatchObject({ name: "ActivityFailure", cause: { message: "main", cause: { message: "why" } } });
    const ended = new RunFailedError("r1", stored, "failed");
    expect(ended.cause).toMatchObject({ cause: { message: "main", cause: { message: "why" } } });
  });

  it("describes a thrown non-Error, also one JSON cannot show", () => {
    expect(serializeError("plain")).toMatchObject({
      name: "NonErrorThrown",
      message: expect.stringContaining("plain"),
    });
    expect(serializeError(10n).name).toBe("NonErrorThrown");
  });
});
