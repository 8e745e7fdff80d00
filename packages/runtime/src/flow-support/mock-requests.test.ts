import { describe, expect, it, vi } from "vitest";
import { UnknownQueryError, UpdateRejectedError } from "../request-errors.js";
import { createFlowMock, type MockFn } from "./flow-mock.js";
import { mockQuery, mockUpdate } from "./mock-requests.js";

/** A Flow as replaygen writes one for a workflow with an update and a query. */
interface CartFlow {
  readonly runId: string;
  readonly scheduledAt: Date | undefined;
  onAddItem(handler: (sku: string) => number, options?: { readonly validator?: (sku: string) => void }): void;
  onCount(handler: () => number): void;
  condition(predicate: () => boolean, timeout?: string): Promise<boolean>;
  sleep(duration: string): Promise<void>;
  now(): Date;
  random(): number;
  uuid(): string;
  restart(input: string): Promise<never>;
  patched(patchId: string): boolean;
  deprecatePatch(patchId: string): void;
}

function mockCartFlow<M>(fn: MockFn<M>, overrides: Partial<CartFlow> = {}) {
  return createFlowMock<CartFlow, M>(fn, overrides, {
    workflow: "cart",
    factory: "mockCartFlow",
    members: { onAddItem: "handler", onCount: "handler" },
  });
}

/** Registers its handlers, then waits until three items are in the cart. */
async function cart(flow: CartFlow): Promise<string[]> {
  const items: string[] = [];
  flow.onAddItem((sku) => items.push(sku), {
    validator: (sku) => {
      if (sku === "") throw new Error("no sku");
    },
  });
  flow.onCount(() => items.length);
  await flow.condition(() => items.length === 3);
  return items;
}

describe("Flow mock updates and queries", () => {
  it("delivers updates to the registered handler, answers queries, and wakes the condition they satisfy", async () => {
    const flow = mockCartFlow(vi.fn);
    const done = cart(flow);
    expect(await mockUpdate(flow, "onAddItem", "tea")).toBe(1);
    expect(await mockUpdate(flow, "onAddItem", "cup")).toBe(2);
    expect(mockQuery(flow, "onCount")).toBe(2);
    await mockUpdate(flow, "onAddItem", "pot");
    await expect(done).resolves.toEqual(["tea", "cup", "pot"]);
    expect(flow.onAddItem).toHaveBeenCalledTimes(1);
  });

  it("refuses an update its validator throws on, as a client would get it, without running the handler", async () => {
    const flow = mockCartFlow(vi.fn);
    void cart(flow);
    await expect(mockUpdate(flow, "onAddItem", "")).rejects.toThrow(UpdateRejectedError);
    expect(mockQuery(flow, "onCount")).toBe(0);
  });

  it("refuses an update or a query whose handler the workflow never registered", async () => {
    const flow = mockCartFlow(vi.fn);
    await expect(mockUpdate(flow, "onAddItem", "tea")).rejects.toThrow(/no handler was registered with onAddItem/);
    expect(() => mockQuery(flow, "onCount")).toThrow(UnknownQueryError);
  });

  it("resolves a condition with a timeout false at once when it does not hold, as time passes at once in a mock", async () => {
    const flow = mockCartFlow(vi.fn);
    await expect(flow.condition(() => false, "1h")).resolves.toBe(false);
    await expect(flow.condition(() => true, "1h")).resolves.toBe(true);
  });
});
