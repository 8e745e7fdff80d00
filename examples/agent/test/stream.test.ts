import { type Client, createClient, type TypedStreamChunk, type Worker } from "@replaykit/runtime";
import { createScratchDatabase, type ScratchDatabase } from "@replaykit/runtime/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ANSWER_STREAM } from "../src/activities.js";
import { ANSWER, FakeModel, TOKENS } from "../src/model.js";
import { awaitAnswerResult, readAnswerStream, runAnswer } from "../src/replay_gen.js";
import { startAgentWorker } from "../src/worker.js";

const FAIL_AFTER = 5;
let db: ScratchDatabase;
let client: Client;
let worker: Worker;

beforeAll(async () => {
  db = await createScratchDatabase(inject("mysqlUrl"));
  client = createClient({ pool: db.pool });
  await client.migrate();
  const model = new FakeModel({ paceMs: 1, failFirstAttemptAfter: FAIL_AFTER });
  worker = await startAgentWorker(client, { model }, { maxPollIntervalMs: 100, logger: quiet });
});
afterAll(async () => {
  await worker?.stop();
  await db?.drop();
});

const quiet = { info: () => {}, warn: () => {}, error: () => {} };

async function read(runId: string, after?: number): Promise<TypedStreamChunk<string>[]> {
  const chunks: TypedStreamChunk<string>[] = [];
  const opts = { follow: true, ...(after === undefined ? {} : { after }) };
  for await (const chunk of readAnswerStream(client, runId, ANSWER_STREAM, opts)) chunks.push(chunk);
  return chunks;
}

describe("the agent's answer stream", () => {
  it("carries the first attempt's tokens, a reset for that attempt, then the whole answer of the second", async () => {
    await runAnswer(client, "q-stream", { question: "Can I return shoes?" });

    const chunks = await read("q-stream");

    expect(chunks.map((chunk) => chunk.offset)).toEqual(chunks.map((_, index) => index));
    expect(chunks.slice(0, FAIL_AFTER).map((chunk) => [chunk.attempt, chunk.value])).toEqual(
      TOKENS.slice(0, FAIL_AFTER).map((token) => [1, token]),
    );
    expect(chunks[FAIL_AFTER]).toMatchObject({ reset: true, attempt: 1 });
    expect(chunks.slice(FAIL_AFTER + 1).map((chunk) => [chunk.attempt, chunk.value])).toEqual(
      TOKENS.map((token) => [2, token]),
    );
    expect(await awaitAnswerResult(client, "q-stream", { timeout: "10s" })).toEqual({ text: ANSWER, attempt: 2 });
  });

  it("has the workflow's own stream of steps beside it: asking, then answered by attempt 2", async () => {
    await runAnswer(client, "q-steps", { question: "Do you ship abroad?" });
    await awaitAnswerResult(client, "q-steps", { timeout: "10s" });

    const steps = [];
    for await (const chunk of readAnswerStream(client, "q-steps", "steps")) steps.push(chunk.value);
    expect(steps).toEqual([{ step: "asking" }, { step: "answered", attempt: 2 }]);
  });

  it("resumed after any offset, gives exactly the chunks after it", async () => {
    await runAnswer(client, "q-resume", { question: "Where is my parcel?" });
    const all = await read("q-resume");

    for (let after = -1; after < all.length; after += 1) {
      expect(await read("q-resume", after)).toEqual(all.slice(after + 1));
    }
  });
});
