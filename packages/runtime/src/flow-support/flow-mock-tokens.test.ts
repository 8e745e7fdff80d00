import { describe, expect, it, vi } from "vitest";
import { FlowNotMockedError } from "../errors.js";
import { createFlowMock } from "./flow-mock.js";

/** The token and event members every generated Flow has. */
interface ApprovalFlow {
  readonly runId: string;
  createToken(opts?: { timeout?: string; name?: string }): Promise<{ readonly id: string }>;
  awaitToken(tokenId: string): Promise<unknown>;
  waitForEvent(name: string, opts: { key?: string; timeout: string }): Promise<unknown>;
}

const spec = { workflow: "approval", factory: "mockApprovalFlow", members: {} };

describe("a Flow mock's tokens and event waits", () => {
  it("creates tokens with ids that count up, and records the calls", async () => {
    const flow = createFlowMock<ApprovalFlow, ReturnType<typeof vi.fn>>(vi.fn, {}, spec);
    expect(await flow.createToken({ name: "manager" })).toEqual({ id: "tok_mock_1" });
    expect(await flow.createToken()).toEqual({ id: "tok_mock_2" });
    expect(flow.createToken.mock.calls).toEqual([[{ name: "manager" }], []]);
  });

  it("rejects awaitToken and waitForEvent with FlowNotMockedError until the test answers them", async () => {
    const flow = createFlowMock<ApprovalFlow, ReturnType<typeof vi.fn>>(vi.fn, {}, spec);
    await expect(flow.awaitToken("tok_mock_1")).rejects.toBeInstanceOf(FlowNotMockedError);
    await expect(flow.waitForEvent("user.verified", { timeout: "1d" })).rejects.toThrow(/flow\.waitForEvent\(\)/);
  });

  it("answers with the test's implementations", async () => {
    const flow = createFlowMock<ApprovalFlow, ReturnType<typeof vi.fn>>(
      vi.fn,
      {
        awaitToken: async () => ({ approved: true }),
        waitForEvent: async () => undefined,
      },
      spec,
    );
    expect(await flow.awaitToken("tok_mock_1")).toEqual({ approved: true });
    expect(await flow.waitForEvent("user.verified", { timeout: "1d" })).toBeUndefined();
    expect(flow.awaitToken).toHaveBeenCalledWith("tok_mock_1");
  });
});
