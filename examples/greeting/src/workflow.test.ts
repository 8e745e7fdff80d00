import { describe, expect, it, vi } from "vitest";
import type { GreetFlow } from "./replay_gen.js";
import type { EnrichInput, GreetingInput } from "./types.js";
import { greet } from "./workflow.js";

// Each mocked enrich step tags the text, so the order of the calls shows in the result.
const tag = (name: string) => vi.fn(async ({ text }: EnrichInput) => ({ text: `${text}+${name}` }));

function mockFlow() {
  return {
    runId: "greet-1",
    scheduledAt: undefined,
    addTitle: tag("title"),
    addFirstName: tag("first"),
    addSurname: tag("surname"),
    addEmoji: tag("emoji"),
    capitalise: tag("caps"),
    printGreeting: vi.fn<GreetFlow["printGreeting"]>(async () => ({ printed: true })),
    awaitReply: vi.fn<GreetFlow["awaitReply"]>(async () => ({ text: "hi" })),
    sleep: vi.fn<GreetFlow["sleep"]>(async () => {}),
    now: () => new Date(0),
    random: () => 0.5,
    uuid: () => "00000000-0000-4000-8000-000000000000",
    restart: vi.fn<GreetFlow["restart"]>(async () => {
      throw new Error("restart is not expected");
    }),
    patched: vi.fn<GreetFlow["patched"]>(() => true),
    deprecatePatch: vi.fn<GreetFlow["deprecatePatch"]>(),
  } satisfies GreetFlow;
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
