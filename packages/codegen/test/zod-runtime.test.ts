import { type Client, createClient, type Worker } from "@replaykit/runtime";
import {
  createScratchDatabase,
  type ScratchDatabase,
  startMariaDb,
  type TestDatabase,
} from "@replaykit/runtime/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ACCOUNTS_NAMESPACE,
  awaitRefundResult,
  awaitSignupResult,
  REFUND_WORKFLOW,
  runRefund,
  runSignup,
  SIGNUP_WORKFLOW,
  signalSignupVerified,
  startReplayLoops,
  streamSignupProgress,
} from "../fixtures/zod-schemas/replay_gen.js";
import { refund, signup } from "../fixtures/zod-schemas/workflow.js";

// The generated helpers of the zod fixture on a real MariaDB (this file starts its own, or
// uses REPLAY_MYSQL_URL): the schemas run where the types say they do.
let server: TestDatabase | undefined;
let db: ScratchDatabase | undefined;
let client: Client;
let worker: Worker | undefined;

beforeAll(async () => {
  server = await startMariaDb();
  db = await createScratchDatabase(server.url, "zod");
  client = createClient({ pool: db.pool });
  await client.migrate();
  worker = startReplayLoops({ client, backends: undefined, workflows: { signup, refund } });
});

afterAll(async () => {
  await worker?.stop();
  await db?.drop();
  await server?.stop();
});

async function progressOf(runId: string): Promise<unknown[]> {
  const messages: unknown[] = [];
  for await (const event of streamSignupProgress(client, { runId })) messages.push(event.message);
  return messages;
}

describe("the generated helpers of a manifest with zod schemas", () => {
  it("store the parsed input and signal: defaults filled in, transforms applied", async () => {
    expect(await runSignup(client, "defaults", { email: "ana@example.com" })).toBe(true);
    const run = await client.getRun(ACCOUNTS_NAMESPACE, SIGNUP_WORKFLOW, "defaults");
    expect(run?.input).toEqual({ email: "ana@example.com", plan: "free" });

    expect(await signalSignupVerified(client, "defaults", { code: "123456", attempt: "3" }, "sms-1")).toBe(true);
    expect(await awaitSignupResult(client, "defaults", { timeout: "20s" })).toEqual({ accountId: "ana@example.com" });
    expect(await progressOf("defaults")).toEqual([{ step: "verified free on attempt 3", percent: 50 }]);
  });

  it("refuse an invalid input with zod's issues, and create no run", async () => {
    const started = runSignup(client, "bad-input", { email: "not-an-email", seats: -1 });
    await expect(started).rejects.toMatchObject({ code: "SCHEMA_VALIDATION" });
    await expect(started).rejects.toThrow(/^invalid input of workflow signup: email: .+; seats: .+/);
    expect(await client.getRun(ACCOUNTS_NAMESPACE, SIGNUP_WORKFLOW, "bad-input")).toBeUndefined();
  });

  it("refuse an invalid signal before it is sent: its external id stays unused", async () => {
    await runSignup(client, "bad-signal", { email: "bo@example.com", plan: "pro" });
    const sent = signalSignupVerified(client, "bad-signal", { code: "12", attempt: "1" }, "sms-7");
    await expect(sent).rejects.toThrow(/^invalid signal verified of workflow signup: code: /);

    expect(await signalSignupVerified(client, "bad-signal", { code: "654321", attempt: "2" }, "sms-7")).toBe(true);
    await awaitSignupResult(client, "bad-signal", { timeout: "20s" });
    expect(await progressOf("bad-signal")).toEqual([{ step: "verified pro on attempt 2", percent: 50 }]);
  });

  it("parse the result with the output schema when it is read, so its defaults apply", async () => {
    await runRefund(client, "refund-1", { accountId: "acc-1", cents: 500 });
    expect(await awaitRefundResult(client, "refund-1", { timeout: "20s" })).toEqual({
      refundId: "re_acc-1",
      settled: false,
    });
    const run = await client.getRun(ACCOUNTS_NAMESPACE, REFUND_WORKFLOW, "refund-1");
    expect(run?.result).toEqual({ refundId: "re_acc-1" });
  });
});
