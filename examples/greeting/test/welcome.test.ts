import { type Client, createClient, type Worker } from "@replaykit/runtime";
import { createScratchDatabase, createTestEnv, type ScratchDatabase } from "@replaykit/runtime/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { MemoryPrinter } from "../src/printers.js";
import { awaitWelcomeResult, GREETING_NAMESPACE, runWelcome, WELCOME_WORKFLOW } from "../src/replay_gen.js";
import type { UserVerified } from "../src/types.js";
import { USER_VERIFIED } from "../src/welcome.js";
import { startGreetingWorker } from "../src/worker.js";

let db: ScratchDatabase;
let worker: Worker;
const printer = new MemoryPrinter();

beforeAll(async () => {
  db = await createScratchDatabase(inject("mysqlUrl"));
  await createClient({ pool: db.pool }).migrate();
  worker = await startGreetingWorker(createClient({ pool: db.pool }), { printer }, { maxPollIntervalMs: 100 });
});
afterAll(async () => {
  await worker.stop();
  await db.drop();
});

/** The accounts service: its own client, which knows users, not our runs. */
const accounts = () => createClient({ pool: db.pool });
const verify = (service: Client, userId: string, data: UserVerified) =>
  service.publishEvent(GREETING_NAMESPACE, USER_VERIFIED, data, { key: userId, eventId: `verified-${userId}` });

/** Resolves once the run waits for an event. */
async function untilWaitingForEvent(app: Client, runId: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const run = await app.describeRun(GREETING_NAMESPACE, WELCOME_WORKFLOW, runId);
    if (run !== undefined && run.waitingFor.events.length > 0) return;
    if (Date.now() > deadline) throw new Error(`run ${runId} never waited for an event`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("a welcome run on MariaDB", () => {
  it("resumes when another service publishes user.verified for its user, and not for another", async () => {
    const app = createClient({ pool: db.pool });
    await runWelcome(app, "welcome-u1", { userId: "u1", firstName: "Ada", verifyTimeout: "1d" });
    await untilWaitingForEvent(app, "welcome-u1");

    await verify(accounts(), "someone-else", { email: "eve@example.com" });
    await verify(accounts(), "u1", { email: "ada@example.com" });

    expect(await awaitWelcomeResult(app, "welcome-u1", { timeout: "10s" })).toEqual({
      status: "welcomed",
      email: "ada@example.com",
    });
    expect(printer.lines).toContain("Welcome, Ada (ada@example.com)");
  });

  it("counts a user.verified published just before the run began waiting (the lookback)", async () => {
    const app = createClient({ pool: db.pool });
    await verify(accounts(), "u2", { email: "grace@example.com" });
    await runWelcome(app, "welcome-u2", { userId: "u2", firstName: "Grace", verifyTimeout: "1d" });

    expect(await awaitWelcomeResult(app, "welcome-u2", { timeout: "10s" })).toEqual({
      status: "welcomed",
      email: "grace@example.com",
    });
  });
});

describe("a welcome run on virtual time", () => {
  it("ends unverified after a day without user.verified", async () => {
    const env = await createTestEnv({ start: Date.UTC(2030, 0, 1) });
    const envPrinter = new MemoryPrinter();
    const envWorker = await startGreetingWorker(env.client, { printer: envPrinter });
    try {
      await runWelcome(env.client, "welcome-u3", { userId: "u3", firstName: "Alan", verifyTimeout: "1d" });
      await env.settle();
      await env.advance("1d");

      expect(await awaitWelcomeResult(env.client, "welcome-u3")).toEqual({ status: "unverified" });
      expect(envPrinter.lines).toEqual(["Alan never verified"]);
    } finally {
      await envWorker.stop();
      await env.close();
    }
  });
});
