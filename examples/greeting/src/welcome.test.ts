import { describe, expect, it, vi } from "vitest";
import { mockWelcomeFlow } from "./replay_gen.js";
import type { WelcomeInput } from "./types.js";
import { welcome } from "./welcome.js";

const input: WelcomeInput = { userId: "u-42", firstName: "Ada", verifyTimeout: "1d" };

function mockFlow(verified: unknown) {
  return mockWelcomeFlow(vi.fn, {
    printGreeting: async () => ({ printed: true }),
    waitForEvent: async () => verified,
  });
}

describe("the welcome workflow", () => {
  it("waits for user.verified keyed by the user id, with a lookback, then greets the user", async () => {
    const flow = mockFlow({ email: "ada@example.com" });

    const result = await welcome(flow, input);

    expect(result).toEqual({ status: "welcomed", email: "ada@example.com" });
    expect(flow.waitForEvent).toHaveBeenCalledWith("user.verified", { key: "u-42", timeout: "1d", lookback: "5m" });
    expect(flow.printGreeting).toHaveBeenCalledWith({ text: "Welcome, Ada (ada@example.com)" });
  });

  it("ends unverified when the wait times out", async () => {
    const flow = mockFlow(undefined);

    const result = await welcome(flow, input);

    expect(result).toEqual({ status: "unverified" });
    expect(flow.printGreeting).toHaveBeenCalledWith({ text: "Ada never verified" });
  });
});
