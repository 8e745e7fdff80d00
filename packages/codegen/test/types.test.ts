import { readFileSync } from "node:fs";
import path from "node:path";
import type { Client, Duration, Worker } from "@replaykit/runtime";
import { describe, expect, expectTypeOf, it } from "vitest";
import type {
  awaitOrderResult,
  OrderFlow,
  OrderWorkflow,
  runOrder,
  ShopOutputEvent,
  signalOrderWarehouseReady,
  startReplayLoops,
  streamOrderShipped,
} from "../fixtures/signals-outputs/replay_gen.js";
import type {
  ChargeInput,
  ChargeResult,
  OrderInput,
  OrderResult,
  Shipped,
  WarehouseReady,
} from "../fixtures/signals-outputs/types.js";
import { diagnosticsUnder, PACKAGE_ROOT, strictProject } from "./helpers.js";

const MISUSE = path.join(PACKAGE_ROOT, "test", "types", "misuse.ts");

describe("generated API types", () => {
  it("types the flow with the manifest's activities, signals and outputs", () => {
    expectTypeOf<OrderFlow["chargePayment"]>().toEqualTypeOf<(input: ChargeInput) => Promise<ChargeResult>>();
    expectTypeOf<OrderFlow["awaitWarehouseReady"]>().toEqualTypeOf<
      (timeout: Duration) => Promise<WarehouseReady | undefined>
    >();
    expectTypeOf<OrderFlow["emitShipped"]>().toEqualTypeOf<(message: Shipped) => Promise<void>>();
    expectTypeOf<OrderFlow["restart"]>().toEqualTypeOf<(input: OrderInput) => Promise<never>>();
    expectTypeOf<OrderWorkflow>().toEqualTypeOf<(flow: OrderFlow, input: OrderInput) => Promise<OrderResult>>();
  });

  it("types the client helpers", () => {
    expectTypeOf<typeof runOrder>().parameter(2).toEqualTypeOf<OrderInput>();
    expectTypeOf<typeof signalOrderWarehouseReady>().parameter(2).toEqualTypeOf<WarehouseReady>();
    expectTypeOf<typeof awaitOrderResult>().returns.toEqualTypeOf<Promise<OrderResult>>();
    expectTypeOf<typeof streamOrderShipped>().returns.toEqualTypeOf<AsyncIterable<ShopOutputEvent<Shipped>>>();
    expectTypeOf<typeof startReplayLoops>().returns.toEqualTypeOf<Worker>();
    expectTypeOf<typeof runOrder>().parameter(0).toEqualTypeOf<Client>();
  });

  it("keeps every @ts-expect-error of the misuse file necessary", () => {
    const project = strictProject();
    project.addSourceFileAtPath(MISUSE);
    expect(diagnosticsUnder(project, path.dirname(MISUSE))).toEqual([]);
  });

  it("rejects each misuse with the expected diagnostic", () => {
    const project = strictProject();
    const text = readFileSync(MISUSE, "utf8").replace(/^\s*\/\/ @ts-expect-error.*$/gm, "");
    project.createSourceFile(MISUSE, text, { overwrite: true });
    const diagnostics = diagnosticsUnder(project, path.dirname(MISUSE)).join("\n");
    expect(diagnostics).toMatch(/misuse\.ts:9: Type 'number' is not assignable to type 'string'/);
    expect(diagnostics).toMatch(
      /misuse\.ts:11: Argument of type '\{ orderId: string; \}' is not assignable to parameter of type 'ChargeInput'/,
    );
    expect(diagnostics).toMatch(/misuse\.ts:13: Property 'order' is missing in type '\{\}'/);
    expect(diagnostics).toMatch(/misuse\.ts:15: Type 'string' is not assignable to type 'number'/);
  });
});
