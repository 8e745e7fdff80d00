import { type Client, createClient, type Worker } from "@replaykit/runtime";
import { createScratchDatabase, type ScratchDatabase } from "@replaykit/runtime/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { MemoryPrinter } from "../src/printers.js";
import { awaitGreetResult, GREETING_NAMESPACE, runGreet, signalGreetReply } from "../src/replay_gen.js";
import type { GreetingInput } from "../src/types.js";
import { startGreetingWorker } from "../src/worker.js";

let db: ScratchDatabase;
let worker: Worker;
const printer = new MemoryPrinter();
const client = () => createClient({ pool: db.pool });

beforeAll(async () => {
  db = await createScratchDatabase(inject("mysqlUrl"));
  await client().migrate();
  worker = await startGreetingWorker(client(), { printer }, { maxPollIntervalMs: 100 });
});
afterAll(async () => {
  await worker.stop();
  await db.drop();
});

const person = { title: "Dr", firstName: "Ada", surname: "Lovelace" };
const input = (replyTimeout: GreetingInput["replyTimeout"]): GreetingInput => ({
  text: "hello",
  person,
  nap: "1s",
  replyTimeout,
});

/** Resolves once the run waits in awaitReply. */
async function untilAwaitingReply(app: Client, runId: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    for await (const event of app.stream({ namespace: GREETING_NAMESPACE, runId, types: ["signal_request"] })) {
      if (event.type === "signal_request") return;
    }
    if (Date.now() > deadline) throw new Error(`run ${runId} never waited for a reply`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("a greeting run on MariaDB", () => {
  it("prints the enriched greeting, naps, and prints the reply it waited for", async () => {
    const app = client();
    await runGreet(app, "with-reply", input("20s"));
    await untilAwaitingReply(app, "with-reply");
    await signalGreetReply(app, "with-reply", { text: "hi there" }, "reply-1");

    const result = await awaitGreetResult(app, "with-reply", { timeout: "10s" });

    expect(result).toEqual({ greeting: "Hello, Dr Ada Lovelace 👋", reply: "hi there" });
    expect(printer.lines).toContain("Hello, Dr Ada Lovelace 👋");
    expect(printer.lines).toContain("Ada replied: hi there");
  });

  it("keeps a reply that came during the nap for the await that follows", async () => {
    const app = client();
    await runGreet(app, "early-reply", input("3s"));
    await signalGreetReply(app, "early-reply", { text: "I was quick" }, "reply-1");

    const result = await awaitGreetResult(app, "early-reply", { timeout: "20s" });

    expect(result.reply).toBe("I was quick");
  });

  it("ends with a null reply after the timeout when nobody answers", async () => {
    const app = client();
    const started = Date.now();
    await runGreet(app, "no-reply", input("500ms"));

    const result = await awaitGreetResult(app, "no-reply", { timeout: "20s" });

    expect(result).toEqual({ greeting: "Hello, Dr Ada Lovelace 👋", reply: null });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500); // the 1 s nap, then the 0.5 s wait
    expect(printer.lines).toContain("Ada did not reply");
  });
});
