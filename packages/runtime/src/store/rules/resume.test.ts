import { describe, expect, it } from "vitest";
import { RunNotFoundError, RunNotResumableError } from "../../errors.js";
import { EventType } from "../../history/index.js";
import { resumption } from "./resume.js";

const T = Date.UTC(2030, 0, 1);
const key = { namespace: "shop", workflow: "order", runId: "o-1" };
const stuck = {
  status: "stuck",
  iteration: 1,
  version: 7,
  errorText: '{"name":"NonDeterminismError","message":"changed"}',
  codeVersion: "v1",
};

describe("resumption", () => {
  it("runs a stuck run again from now, at a new version, with no lease and no error", () => {
    expect(resumption(key, stuck, undefined, T).set).toEqual({
      status: "running",
      errorText: null,
      wakeAt: T,
      leaseOwner: null,
      leaseUntil: null,
      version: 8,
      codeVersion: "v1",
      updatedAt: T,
    });
  });

  it("keeps the cleared error and the new pin in a resumed event outside replay", () => {
    const { set, event } = resumption(key, stuck, "v2", T);
    expect(set.codeVersion).toBe("v2");
    expect(event).toMatchObject({ iteration: 1, pos: null, event: { type: EventType.Resumed, at: T } });
    expect(JSON.parse(event.event.payloadText ?? "null")).toEqual({
      error: { name: "NonDeterminismError", message: "changed" },
      version: "v2",
    });
  });

  it("refuses a run that does not exist or is not stuck", () => {
    expect(() => resumption(key, undefined, undefined, T)).toThrow(RunNotFoundError);
    expect(() => resumption(key, { ...stuck, status: "running" }, undefined, T)).toThrow(RunNotResumableError);
    expect(() => resumption(key, { ...stuck, status: "completed" }, undefined, T)).toThrow(/use forkRun/);
  });
});
