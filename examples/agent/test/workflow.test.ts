import { describe, expect, it, vi } from "vitest";
import { mockAnswerFlow } from "../src/replay_gen.js";
import { answer } from "../src/workflow.js";

// The workflow alone, on a Flow mock: no database, no worker. The mock records what the workflow
// writes to the streams it declares in the manifest.
describe("the answer workflow", () => {
  it("says it is asking, calls the model's activity, then says which attempt answered and closes its steps", async () => {
    const flow = mockAnswerFlow(vi.fn, { streamAnswer: async () => ({ text: "Yes.", attempt: 2 }) });

    const result = await answer(flow, { question: "Can I return shoes?" });

    expect(result).toEqual({ text: "Yes.", attempt: 2 });
    expect(flow.streamAnswer).toHaveBeenCalledWith({ question: "Can I return shoes?" });
    expect(flow.streams.steps.written).toEqual([{ step: "asking" }, { step: "answered", attempt: 2 }]);
    expect(flow.streams.steps.closed).toBe(true);
  });

  it("has written only that it is asking when the model's activity fails for good", async () => {
    const flow = mockAnswerFlow(vi.fn, {
      streamAnswer: async () => {
        throw new Error("the model is down");
      },
    });

    await expect(answer(flow, { question: "Where is my parcel?" })).rejects.toThrow("the model is down");
    expect(flow.streams.steps).toEqual({ written: [{ step: "asking" }], closed: false });
  });
});
