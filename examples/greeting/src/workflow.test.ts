import { describe, expect, it, vi } from "vitest";
import { mockGreetFlow } from "./replay_gen.js";
import type { EnrichInput, GreetingInput } from "./types.js";
import { greet } from "./workflow.js";

// Each enrich step tags the text, so the order of the calls shows in the result.
const tag =
  (name: string) =>
  async ({ text }: EnrichInput) => ({ text: `${text}+${name}` });

/** The generated mock: now, random, uuid, sleep, restart and patches have deterministic defaults. */
function mockFlow() {
  return mockGreetFlow(vi.fn, {
    addTitle: tag("title"),
    addFirstName: tag("first"),
    addSurname: tag("surname"),
    addEmoji: tag("emoji"),
    capitalise: tag("caps"),
    printGreeting: async () => ({ printed: true }),
    awaitReply: async () => ({ text: "hi" }),
  });
}

const person = { title: "Dr", firstName: "Ada", surname: "Lovelace" };
const input: GreetingInput = { text: "hello", person, nap: "1s", replyTimeout: "1m" };

describe("the greet workflow", () => {
  it("enriches in five steps, prints, naps, then prints the reply", async () => {
    const flow = mockFlow();

    const result = await greet(flow, input);

    expect(result).toEqual({ greeting: "hello+title+first+surname+emoji+caps", reply: "hi" });
    expect(flow.addTitle).toHaveBeenCalledWith({ text: "hello", person });
    expect(flow.capitalise).toHaveBeenCalledWith({ text: "hello+title+first+surname+emoji", person });
    expect(flow.sleep).toHaveBeenCalledWith("1s");
    expect(flow.awaitReply).toHaveBeenCalledWith("1m");
    expect(flow.printGreeting.mock.calls).toEqual([
      [{ text: "hello+title+first+surname+emoji+caps" }],
      [{ text: "Ada replied: hi" }],
    ]);
  });

  it("says so and returns a null reply when none comes before the timeout", async () => {
    const flow = mockFlow();
    flow.awaitReply.mockResolvedValueOnce(undefined);

    const result = await greet(flow, input);

    expect(result.reply).toBeNull();
    expect(flow.printGreeting).toHaveBeenLastCalledWith({ text: "Ada did not reply" });
  });
});
