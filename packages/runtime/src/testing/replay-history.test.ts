import { describe, expect, it } from "vitest";
import type { WorkflowFn } from "../api.js";
import { NonDeterminismError, UnknownWorkflowError } from "../errors.js";
import { ev, history } from "../replay/fixtures.js";
import { HistoryWorkflowMissingError, InvalidHistoryError } from "./errors.js";
import { replayHistory } from "./replay-history.js";

const charge: WorkflowFn = async (ctx) => ctx.execActivity("charge", { cents: 5 });
const recorded = {
  namespace: "shop",
  workflow: "order",
  runId: "o-1",
  events: history(null, ev.activity("charge", 0, { cents: 5 }), ev.result("charge", 0, "ok"), ev.completed("ok")),
};

describe("replayHistory", () => {
  it("resolves when the code issues the recorded commands", async () => {
    await expect(replayHistory({ workflows: { order: charge } }, recorded)).resolves.toBeUndefined();
  });

  it("rejects with NonDeterminismError when the code issues another command", async () => {
    const refund: WorkflowFn = async (ctx) => ctx.execActivity("refund", { cents: 5 });
    await expect(replayHistory({ workflows: { order: refund } }, recorded)).rejects.toBeInstanceOf(NonDeterminismError);
  });

  it("rejects a history of a workflow it was not given with an UnknownWorkflowError naming what it got", async () => {
    const replayed = replayHistory({ workflows: { invoice: charge } }, recorded);
    await expect(replayed).rejects.toBeInstanceOf(UnknownWorkflowError);
    await expect(replayed).rejects.toBeInstanceOf(HistoryWorkflowMissingError);
    await expect(replayed).rejects.toMatchObject({
      code: "UNKNOWN_WORKFLOW",
      workflow: "order",
      runId: "o-1",
      given: ["invoice"],
      message: expect.stringContaining('is of workflow "order", which is not in `workflows` (invoice)'),
    });
  });

  it("rejects a history without the created event of its last iteration", async () => {
    const headless = { ...recorded, events: recorded.events.slice(1) };
    await expect(replayHistory({ workflows: { order: charge } }, headless)).rejects.toBeInstanceOf(InvalidHistoryError);
  });
});
