import { mock } from "node:test";
import { describe, expect, expectTypeOf, it, vi } from "vitest";
import { FlowNotMockedError, FlowRestartedError } from "../errors.js";
import { createFlowMock, type FlowMock, MOCK_NOW, type MockFn } from "./flow-mock.js";

/** A Flow as replaygen writes one: an activity, a child, a signal, an output and the built-ins. */
interface OrderFlow {
  readonly runId: string;
  readonly scheduledAt: Date | undefined;
  charge(input: { cents: number }): Promise<{ ok: boolean }>;
  runRefund(runId: string, input: { cents: number }): Promise<{ refundId: string }>;
  startRefund(runId: string, input: { cents: number }): Promise<void>;
  awaitReady(timeout: string): Promise<{ picker: string } | undefined>;
  emitShipped(message: { trackingId: string }): Promise<void>;
  sleep(duration: string): Promise<void>;
  now(): Date;
  random(): number;
  uuid(): string;
  restart(input: { cents: number }): Promise<never>;
  patched(patchId: string): boolean;
  deprecatePatch(patchId: string): void;
  setTags(tags: { readonly customer?: string }): Promise<void>;
}

function mockOrderFlow<M>(fn: MockFn<M>, overrides: Partial<OrderFlow> = {}): FlowMock<OrderFlow, M> {
  return createFlowMock<OrderFlow, M>(fn, overrides, {
    workflow: "order",
    factory: "mockOrderFlow",
    members: {
      charge: "activity",
      runRefund: "child",
      startRefund: "effect",
      awaitReady: "signal",
      emitShipped: "effect",
    },
  });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe("createFlowMock", () => {
  it("records every call through the maker and uses the overrides it is given", async () => {
    const flow = mockOrderFlow(vi.fn, { charge: async ({ cents }) => ({ ok: cents < 100 }) });
    expect(await flow.charge({ cents: 50 })).toEqual({ ok: true });
    expect(await flow.charge({ cents: 500 })).toEqual({ ok: false });
    expect(flow.charge).toHaveBeenCalledTimes(2);
    flow.charge.mockResolvedValueOnce({ ok: false });
    expect(await flow.charge({ cents: 1 })).toEqual({ ok: false });
    await flow.emitShipped({ trackingId: "t1" });
    expect(flow.emitShipped).toHaveBeenCalledWith({ trackingId: "t1" });
  });

  it("records the tags the workflow sets, and sets nothing", async () => {
    const flow = mockOrderFlow(vi.fn);
    expect(await flow.setTags({ customer: "c-1" })).toBeUndefined();
    expect(flow.setTags).toHaveBeenCalledWith({ customer: "c-1" });
  });

  it("rejects an activity, a child run or a signal await without an implementation, naming it and the fix", async () => {
    const flow = mockOrderFlow(vi.fn);
    const activity = await rejection(flow.charge({ cents: 1 }));
    expect(activity).toBeInstanceOf(FlowNotMockedError);
    expect(activity).toHaveProperty(
      "message",
      'flow.charge() of workflow "order" was called, but this mock has no implementation for it: pass one, e.g. mockOrderFlow(vi.fn, { charge: async (input) => result })',
    );
    expect(await rejection(flow.runRefund("r1", { cents: 1 }))).toHaveProperty(
      "message",
      expect.stringContaining("{ runRefund: async (runId, input) => result }"),
    );
    expect(await rejection(flow.awaitReady("1d"))).toHaveProperty(
      "message",
      expect.stringContaining("{ awaitReady: async () => message } (or async () => undefined for a timeout)"),
    );
    expect(flow.awaitReady).toHaveBeenCalledWith("1d");
  });

  it("lets effects, sleep and deprecatePatch do nothing, and patched answer true as on a new run", async () => {
    const flow = mockOrderFlow(vi.fn);
    await expect(flow.startRefund("r1", { cents: 1 })).resolves.toBeUndefined();
    await expect(flow.sleep("1d")).resolves.toBeUndefined();
    expect(flow.deprecatePatch("p")).toBeUndefined();
    expect(flow.patched("p")).toBe(true);
    expect(flow.sleep).toHaveBeenCalledWith("1d");
  });

  it("gives a fixed now, a seeded random sequence and counting uuids, the same in every mock", () => {
    const a = mockOrderFlow(vi.fn);
    const b = mockOrderFlow(vi.fn);
    expect(a.now()).toEqual(new Date(MOCK_NOW));
    expect(a.now()).not.toBe(a.now());
    const randoms = [a.random(), a.random(), a.random()];
    expect([b.random(), b.random(), b.random()]).toEqual(randoms);
    expect(new Set(randoms).size).toBe(3);
    for (const value of randoms) expect(value >= 0 && value < 1).toBe(true);
    expect([a.uuid(), a.uuid()]).toEqual([
      "00000000-0000-4000-8000-000000000001",
      "00000000-0000-4000-8000-000000000002",
    ]);
    expect(b.uuid()).toBe("00000000-0000-4000-8000-000000000001");
  });

  it("seeds random() by the run id, as a run does", () => {
    const one = mockOrderFlow(vi.fn, { runId: "order-17" });
    const other = mockOrderFlow(vi.fn);
    expect(one.runId).toBe("order-17");
    expect(other.runId).toBe("order-1");
    expect(one.random()).not.toBe(other.random());
  });

  it("rejects restart with FlowRestartedError carrying the next input", async () => {
    const flow = mockOrderFlow(vi.fn);
    const error = await rejection(flow.restart({ cents: 2 }));
    expect(error).toBeInstanceOf(FlowRestartedError);
    expect(error).toMatchObject({ workflow: "order", input: { cents: 2 } });
    expect(flow.restart).toHaveBeenCalledWith({ cents: 2 });
  });

  it("takes scheduledAt from the overrides, else undefined", () => {
    const at = new Date("2030-01-01T02:00:00.000Z");
    expect(mockOrderFlow(vi.fn, { scheduledAt: at }).scheduledAt).toBe(at);
    expect(mockOrderFlow(vi.fn).scheduledAt).toBeUndefined();
  });

  it("works with node:test's mock.fn (bound to its tracker) as the maker", async () => {
    const flow = mockOrderFlow(mock.fn.bind(mock), { charge: async () => ({ ok: true }) });
    await flow.charge({ cents: 3 });
    expect(flow.charge.mock.calls[0]?.arguments).toEqual([{ cents: 3 }]);
  });

  it("types each method as the Flow's and as the maker's mock", () => {
    const flow = mockOrderFlow(vi.fn);
    expectTypeOf(flow).toExtend<OrderFlow>();
    expectTypeOf(flow.charge).toExtend<OrderFlow["charge"]>();
    expectTypeOf(flow.charge).toHaveProperty("mockResolvedValueOnce");
    expectTypeOf(flow.runId).toEqualTypeOf<string>();
    const node = mockOrderFlow(mock.fn.bind(mock));
    expectTypeOf(node).toExtend<OrderFlow>();
    expectTypeOf(node.charge.mock.callCount).toEqualTypeOf<() => number>();
    // @ts-expect-error an override has the Flow member's type
    mockOrderFlow(vi.fn, { charge: async () => 42 });
    // @ts-expect-error a misspelled member is refused
    mockOrderFlow(vi.fn, { chrage: async () => ({ ok: true }) });
  });
});
