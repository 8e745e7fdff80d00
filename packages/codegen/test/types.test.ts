import { readFileSync } from "node:fs";
import path from "node:path";
import type { Client, Duration, QueueOptions, RunOptions, ScheduleOptions, Worker } from "@replaykit/runtime";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { z } from "zod";
import type {
  BILLING_QUEUES,
  BILLING_SCHEDULES,
  BillingChildOptions,
  OrderFlow as BillingOrderFlow,
  BillingQueue,
  BillingRunOptions,
  BillingScheduleOptions,
  runDigest,
  scheduleDigest,
} from "../fixtures/composition/replay_gen.js";
import type {
  Approval,
  RefundResult as BillingRefundResult,
  DigestInput,
  RefundInput,
} from "../fixtures/composition/types.js";
import type { AnnotateFlow, runAnnotate } from "../fixtures/exact-types/replay_gen.js";
import type { Note } from "../fixtures/exact-types/types.js";
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
import type {
  AccountsOutputEvent,
  awaitRefundResult,
  RefundWorkflow,
  runSignup as runSignupHelper,
  SignupFlow,
  SignupWorkflow,
  signalSignupVerified,
  streamSignupProgress,
} from "../fixtures/zod-schemas/replay_gen.js";
import type {
  Account,
  Progress,
  RefundRequest,
  RefundResult,
  SignupInput,
  Verified,
} from "../fixtures/zod-schemas/schemas.js";
import { diagnosticsUnder, PACKAGE_ROOT, strictProject } from "./helpers.js";

const MISUSE = path.join(PACKAGE_ROOT, "test", "types", "misuse.ts");
const MISUSE_ZOD = path.join(PACKAGE_ROOT, "test", "types", "misuse-zod.ts");
const MISUSE_COMPOSITION = path.join(PACKAGE_ROOT, "test", "types", "misuse-composition.ts");
const MISUSE_TRIGGERS = path.join(PACKAGE_ROOT, "test", "types", "misuse-triggers.ts");
const MISUSE_SECRET = path.join(PACKAGE_ROOT, "test", "types", "misuse-secret.ts");
const MISUSE_REQUESTS = path.join(PACKAGE_ROOT, "test", "types", "misuse-requests.ts");
const MISUSE_TAGS = path.join(PACKAGE_ROOT, "test", "types", "misuse-tags.ts");
const MISUSE_STREAMS = path.join(PACKAGE_ROOT, "test", "types", "misuse-streams.ts");

/** The diagnostics of `file` with its `@ts-expect-error` lines removed (line numbers kept). */
function withoutDirectives(file: string): string {
  const project = strictProject();
  const text = readFileSync(file, "utf8").replace(/^\s*\/\/ @ts-expect-error.*$/gm, "");
  project.createSourceFile(file, text, { overwrite: true });
  return diagnosticsUnder(project, path.dirname(file)).join("\n");
}

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

  it("keeps every @ts-expect-error of the misuse files necessary", () => {
    const project = strictProject();
    project.addSourceFileAtPath(MISUSE);
    project.addSourceFileAtPath(MISUSE_ZOD);
    project.addSourceFileAtPath(MISUSE_COMPOSITION);
    project.addSourceFileAtPath(MISUSE_TRIGGERS);
    project.addSourceFileAtPath(MISUSE_SECRET);
    project.addSourceFileAtPath(MISUSE_REQUESTS);
    project.addSourceFileAtPath(MISUSE_TAGS);
    project.addSourceFileAtPath(MISUSE_STREAMS);
    expect(diagnosticsUnder(project, path.dirname(MISUSE))).toEqual([]);
  });

  it("rejects each misuse with the expected diagnostic", () => {
    const diagnostics = withoutDirectives(MISUSE);
    expect(diagnostics).toMatch(/misuse\.ts:9: Type 'number' is not assignable to type 'string'/);
    expect(diagnostics).toMatch(
      /misuse\.ts:11: Argument of type '\{ orderId: string; \}' is not assignable to parameter of type 'ChargeInput'/,
    );
    expect(diagnostics).toMatch(/misuse\.ts:13: Property 'order' is missing in type '\{\}'/);
    expect(diagnostics).toMatch(/misuse\.ts:15: Type 'string' is not assignable to type 'number'/);
    expect(diagnostics).toMatch(
      /misuse\.ts:17: Argument of type '"30m2h"' is not assignable to parameter of type 'Duration'/,
    );
  });

  it("rejects each misuse of updates, queries and conditions with the expected diagnostic", () => {
    const diagnostics = withoutDirectives(MISUSE_REQUESTS);
    const lines = diagnostics.split("\n").filter((line) => /^misuse-requests\.ts:\d+:/.test(line));
    expect(diagnostics).toMatch(/misuse-requests\.ts:12: Type 'string' is not assignable to type 'number'/);
    expect(diagnostics).toMatch(/misuse-requests\.ts:14: Property 'onRemoveItem' does not exist on type 'CartFlow'/);
    expect(diagnostics).toMatch(/misuse-requests\.ts:16: Type 'number' is not assignable to type 'string'/);
    expect(diagnostics).toMatch(
      /misuse-requests\.ts:18: Type 'string' is not assignable to type 'number \| Promise<number>'/,
    );
    expect(diagnostics).toMatch(
      /misuse-requests\.ts:20: Type '\(input: string\) => undefined' is not assignable to type '\(input: Item\) => void'/,
    );
    expect(diagnostics).toMatch(/misuse-requests\.ts:22: Type 'number' is not assignable to type 'string'/);
    expect(diagnostics).toMatch(/misuse-requests\.ts:24: Type 'string' is not assignable to type 'boolean'/);
    expect(lines).toHaveLength(7);
  });

  it("rejects each misuse of typed tags with the expected diagnostic: a wrong type, an unknown tag, in helpers, setTags and child starts", () => {
    const diagnostics = withoutDirectives(MISUSE_TAGS);
    const lines = diagnostics.split("\n").filter((line) => /^misuse-tags\.ts:\d+:/.test(line));
    expect(diagnostics).toMatch(/misuse-tags\.ts:14: Type 'number' is not assignable to type 'string'/);
    expect(diagnostics).toMatch(/misuse-tags\.ts:16: .*'cutsomer' does not exist in type 'InvoiceTags'/);
    expect(diagnostics).toMatch(
      /misuse-tags\.ts:18: Type '"gold"' is not assignable to type '"free" \| "pro" \| undefined'/,
    );
    expect(diagnostics).toMatch(/misuse-tags\.ts:20: Type 'string' is not assignable to type 'boolean \| undefined'/);
    expect(diagnostics).toMatch(/misuse-tags\.ts:26: .*'cutsomer' does not exist in type 'InvoiceTags'/);
    expect(diagnostics).toMatch(/misuse-tags\.ts:28: Type 'string' is not assignable to type 'number'/);
    expect(diagnostics).toMatch(/misuse-tags\.ts:33: Type 'string' is not assignable to type 'boolean \| undefined'/);
    expect(diagnostics).toMatch(/misuse-tags\.ts:35: .*'cutsomer' does not exist in type 'InvoiceTags'/);
    expect(lines).toHaveLength(8);
  });

  it("rejects each misuse of typed streams with the expected diagnostic", () => {
    const diagnostics = withoutDirectives(MISUSE_STREAMS);
    const lines = diagnostics.split("\n").filter((line) => /^misuse-streams\.ts:\d+:/.test(line));
    expect(diagnostics).toMatch(/misuse-streams\.ts:8: .*'"rows"' is not assignable to parameter of type '"progress"'/);
    expect(diagnostics).toMatch(/misuse-streams\.ts:10: Type 'string' is not assignable to type 'number'/);
    expect(diagnostics).toMatch(
      /misuse-streams\.ts:12: .*'"summary"' is not assignable to parameter of type '"progress"'/,
    );
    expect(diagnostics).toMatch(
      /misuse-streams\.ts:14: .*'"progress"' is not assignable to parameter of type '"rows"'/,
    );
    expect(diagnostics).toMatch(/misuse-streams\.ts:16: .*'string' is not assignable to parameter of type 'Row'/);
    expect(diagnostics).toMatch(
      /misuse-streams\.ts:18: .*'"answer"' is not assignable to parameter of type 'keyof ImportsStreams'/,
    );
    expect(diagnostics).toMatch(/misuse-streams\.ts:21: .*'chunk\.value' is possibly 'undefined'/);
    expect(diagnostics).toMatch(/misuse-streams\.ts:24: Property 'file' does not exist on type 'Progress'/);
    expect(lines).toHaveLength(8);
  });

  it("rejects each misuse of the zod and exact-optional API with the expected diagnostic", () => {
    const diagnostics = withoutDirectives(MISUSE_ZOD);
    expect(diagnostics).toMatch(/misuse-zod\.ts:9: .*Property 'plan' is missing/s);
    expect(diagnostics).toMatch(/misuse-zod\.ts:11: .*Property 'email' is missing/s);
    expect(diagnostics).toMatch(/misuse-zod\.ts:13: .*Type 'number' is not assignable to type 'string'/s);
    expect(diagnostics).toMatch(/misuse-zod\.ts:15: Property 'awaitCancelled' does not exist on type 'SignupFlow'/);
    expect(diagnostics).toMatch(/misuse-zod\.ts:17: .*'cancel' does not exist in type/s);
    expect(diagnostics).toMatch(/misuse-zod\.ts:19: .*exactOptionalPropertyTypes/s);
    expect(diagnostics.split("\n").filter((line) => /^misuse-zod\.ts:\d+:/.test(line))).toHaveLength(6);
  });

  it("rejects each misuse of secret fields with the expected diagnostic", () => {
    const diagnostics = withoutDirectives(MISUSE_SECRET);
    const at = (line: number, text: RegExp) =>
      expect(diagnostics).toMatch(new RegExp(`misuse-secret\\.ts:${line}: ${text.source}`, "s"));
    at(8, /.*Type 'string' is not assignable to type 'readonly string\[\]'/);
    at(10, /.*Type 'number' is not assignable to type 'string'/);
    at(12, /Property 'push' does not exist on type 'readonly string\[\]'/);
    expect(diagnostics.split("\n").filter((line) => /^misuse-secret\.ts:\d+:/.test(line))).toHaveLength(3);
  });

  it("rejects each misuse of children, queues and schedules with the expected diagnostic", () => {
    const diagnostics = withoutDirectives(MISUSE_COMPOSITION);
    const at = (line: number, text: RegExp) =>
      expect(diagnostics).toMatch(new RegExp(`misuse-composition\\.ts:${line}: ${text.source}`, "s"));
    at(8, /.*Type 'string' is not assignable to type 'number'/);
    at(10, /Property 'runShipping' does not exist on type 'OrderFlow'/);
    at(12, /.*Type '"emails"' is not assignable to type 'BillingQueue/);
    at(14, /.*Type '"emails"' is not assignable to type 'BillingQueue/);
    at(16, /.*Type 'string' is not assignable to type 'number'/);
    at(19, /.*Type '"queue"' is not assignable to type 'OverlapPolicy/);
    at(21, /Property 'signalRefundRejected' does not exist on type 'OrderFlow'/);
    expect(diagnostics.split("\n").filter((line) => /^misuse-composition\.ts:\d+:/.test(line))).toHaveLength(7);
  });

  it("types the Flow's child methods with each child's input and result, and its signals", () => {
    expectTypeOf<BillingOrderFlow["runRefund"]>().toEqualTypeOf<
      (runId: string, input: RefundInput, opts?: BillingChildOptions) => Promise<BillingRefundResult>
    >();
    expectTypeOf<BillingOrderFlow["startDigest"]>().toEqualTypeOf<
      (runId: string, input: DigestInput, opts?: BillingChildOptions) => Promise<void>
    >();
    expectTypeOf<BillingOrderFlow["signalRefundApproved"]>().toEqualTypeOf<
      (runId: string, message: Approval, externalId: string) => Promise<void>
    >();
    expectTypeOf<BillingChildOptions["queue"]>().toEqualTypeOf<"mail" | "payouts" | undefined>();
    expectTypeOf<BillingOrderFlow["scheduledAt"]>().toEqualTypeOf<Date | undefined>();
    expectTypeOf<SignupFlow["runRefund"]>().returns.toEqualTypeOf<Promise<z.output<typeof RefundResult>>>();
    expectTypeOf<SignupFlow["runRefund"]>().parameter(1).toEqualTypeOf<z.input<typeof RefundRequest>>();
  });

  it("types the start options with the manifest's queues and the schedule helpers with the workflow's input", () => {
    expectTypeOf<BillingQueue>().toEqualTypeOf<"mail" | "payouts">();
    expectTypeOf<BillingRunOptions["queue"]>().toEqualTypeOf<BillingQueue | undefined>();
    expectTypeOf<BillingRunOptions>().toHaveProperty("priority");
    expectTypeOf<BillingRunOptions>().toHaveProperty("concurrencyKey");
    expectTypeOf<BillingRunOptions>().toHaveProperty("startAt");
    expectTypeOf<BillingRunOptions>().toHaveProperty("delay");
    expectTypeOf<BillingRunOptions>().toHaveProperty("timeout");
    expectTypeOf<BillingRunOptions>().toHaveProperty("version");
    expectTypeOf<BillingRunOptions>().toHaveProperty("tx");
    expectTypeOf<typeof runDigest>().parameter(3).toEqualTypeOf<BillingRunOptions | undefined>();
    expectTypeOf<typeof scheduleDigest>().parameter(2).toEqualTypeOf<BillingScheduleOptions<DigestInput>>();
    expectTypeOf<BillingScheduleOptions<DigestInput>["input"]>().toEqualTypeOf<DigestInput>();
    expectTypeOf<typeof BILLING_QUEUES>().toEqualTypeOf<Readonly<Record<BillingQueue, QueueOptions>>>();
    expectTypeOf<typeof BILLING_SCHEDULES>().toEqualTypeOf<readonly ScheduleOptions[]>();
    // A namespace without queues takes no queue at all.
    expectTypeOf<typeof runOrder>().parameter(3).toEqualTypeOf<Omit<RunOptions, "queue"> | undefined>();
  });

  it("gives the zod schemas' input types to the helpers that write, and their output types to readers", () => {
    expectTypeOf<typeof runSignupHelper>().parameter(2).toEqualTypeOf<z.input<typeof SignupInput>>();
    expectTypeOf<SignupFlow["restart"]>().parameter(0).toEqualTypeOf<z.input<typeof SignupInput>>();
    expectTypeOf<SignupWorkflow>().parameter(1).toEqualTypeOf<z.output<typeof SignupInput>>();
    expectTypeOf<typeof signalSignupVerified>().parameter(2).toEqualTypeOf<z.input<typeof Verified>>();
    expectTypeOf<SignupFlow["awaitVerified"]>().returns.toEqualTypeOf<Promise<z.output<typeof Verified> | undefined>>();
    expectTypeOf<SignupFlow["emitProgress"]>().parameter(0).toEqualTypeOf<z.input<typeof Progress>>();
    expectTypeOf<typeof streamSignupProgress>().returns.toEqualTypeOf<
      AsyncIterable<AccountsOutputEvent<z.output<typeof Progress>>>
    >();
    expectTypeOf<RefundWorkflow>().returns.toEqualTypeOf<Promise<z.input<typeof RefundResult>>>();
    expectTypeOf<typeof awaitRefundResult>().returns.toEqualTypeOf<Promise<z.output<typeof RefundResult>>>();
  });

  it("names the user's types, z.infer aliases included, and keeps `| undefined` where it was declared", () => {
    expectTypeOf<SignupFlow["refund"]>().parameter(0).toEqualTypeOf<RefundRequest>();
    expectTypeOf<SignupFlow["createAccount"]>().returns.toEqualTypeOf<Promise<Account>>();
    expectTypeOf<typeof runAnnotate>()
      .parameter(2)
      .toEqualTypeOf<{ id: string; note?: string; memo?: string | undefined }>();
    expectTypeOf<AnnotateFlow["lookup"]>().returns.toEqualTypeOf<
      Promise<{ found: boolean; text?: string | undefined }>
    >();
    expectTypeOf<AnnotateFlow["nextKey"]>().toEqualTypeOf<() => Promise<string>>();
    expectTypeOf<AnnotateFlow["stamp"]>().toEqualTypeOf<(input: Note) => Promise<Note>>();
  });

  it("rejects each misuse of event publishing, tokens and event waits with the expected diagnostic", () => {
    const diagnostics = withoutDirectives(MISUSE_TRIGGERS);
    const expected: [number, RegExp][] = [
      [7, /'postId' does not exist in type 'UserSignedUp'/],
      [9, /Argument of type '"user.deleted"' is not assignable to parameter of type 'keyof CommunityEvents'/],
      [11, /Property 'author' is missing/],
      [13, /Type '"two days"' is not assignable to type 'Duration/],
      [15, /Property 'timeout' is missing/],
    ];
    for (const [line, text] of expected) {
      expect(diagnostics).toMatch(new RegExp(`misuse-triggers\\.ts:${line}: .*${text.source}`, "s"));
    }
    expect(diagnostics.split("\n").filter((line) => /^misuse-triggers\.ts:\d+:/.test(line))).toHaveLength(5);
  });
});
