import { describe, expect, expectTypeOf, it } from "vitest";
import type { WorkflowFn } from "../api.js";
import { NonDeterminismError, UnknownWorkflowError } from "../errors.js";
import { ev, history } from "../replay/fixtures.js";
import { HistoryShapeError, HistoryWorkflowMissingError, InvalidHistoryError } from "./errors.js";
import { type RunHistory, replayHistory } from "./replay-history.js";

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

  it("takes the events of client.getHistory with the run they are of as a third argument", async () => {
    const { events, ...run } = recorded;
    await expect(replayHistory({ workflows: { order: charge } }, events, run)).resolves.toBeUndefined();
    const refund: WorkflowFn = async (ctx) => ctx.execActivity("refund", { cents: 5 });
    await expect(replayHistory({ workflows: { order: refund } }, events, run)).rejects.toBeInstanceOf(
      NonDeterminismError,
    );
  });

  it("says what it got and what it takes when given a bare events array or an object that is no history file", async () => {
    const bare = replayHistory({ workflows: { order: charge } }, recorded.events as unknown as RunHistory);
    await expect(bare).rejects.toBeInstanceOf(HistoryShapeError);
    await expect(bare).rejects.toMatchObject({
      code: "INVALID_HISTORY",
      got: "an array of 4 events and no run",
      message: expect.stringContaining(
        "it takes a history file, { namespace, workflow, runId, events } (`replaykit runs history <workflow> <runId> --fixture` writes one), or the events of client.getHistory with their run as a third argument",
      ),
    });
    const wrapped = replayHistory({ workflows: { order: charge } }, {
      events: recorded.events,
    } as unknown as RunHistory);
    await expect(wrapped).rejects.toMatchObject({ name: "HistoryShapeError", got: "an object with keys events" });
  });

  it("types the two forms: a history file, or events with their run", () => {
    expectTypeOf(replayHistory).toBeCallableWith({ workflows: { order: charge } }, recorded);
    expectTypeOf(replayHistory).toBeCallableWith({ workflows: { order: charge } }, recorded.events, recorded);
    // @ts-expect-error: an events array needs the run it is of
    const bare = () => replayHistory({ workflows: { order: charge } }, recorded.events);
    expect(bare).toBeTypeOf("function");
  });
});
