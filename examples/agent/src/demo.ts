// The agent demo (`npm run demo` at the repository root runs it after the shop demo): a customer
// asks a question; the fake model streams the answer token by token, fails once mid-answer, and
// the retry's reset rewinds it. The terminal follows the stream as the page does; the page's
// address is printed to open while it streams. `--serve` keeps the page up afterwards (Ctrl-C ends it).
import type { Server } from "node:http";
import { createClient } from "@replaykit/runtime";
import { createScratchDatabase, startMariaDb } from "@replaykit/runtime/testing";
import { ANSWER_STREAM } from "./activities.js";
import { FakeModel } from "./model.js";
import { createAgentServer, listen } from "./page.js";
import { awaitAnswerResult, readAnswerStream, runAnswer } from "./replay_gen.js";
import { startAgentWorker } from "./worker.js";

const SERVE = process.argv.includes("--serve");
const RUN_ID = "q-1";
const QUESTION = "How do I return the shoes I ordered last week?";

const say = (message: string): void => {
  process.stderr.write(`agent demo: ${message}\n`);
};

const cleanups: (() => Promise<void>)[] = [];
async function cleanUp(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
}
process.on("SIGINT", () => void cleanUp().then(() => process.exit(130)));
process.on("SIGTERM", () => void cleanUp().then(() => process.exit(143)));

async function main(): Promise<void> {
  say(process.env.REPLAY_MYSQL_URL ? "using the server in REPLAY_MYSQL_URL" : "starting a throwaway MariaDB");
  const server = await startMariaDb();
  cleanups.push(() => server.stop());
  const db = await createScratchDatabase(server.url, "agent_demo");
  cleanups.push(() => db.drop());
  const client = createClient({ pool: db.pool });
  await client.migrate();
  // The worker's warning about the failed attempt would cut the streamed line; the reset says it.
  const logger = { info: () => {}, warn: () => {}, error: (message: string) => say(message) };
  const worker = await startAgentWorker(client, { model: new FakeModel({ paceMs: 60 }) }, { logger });
  cleanups.push(() => worker.stop());
  const closing = new AbortController();
  const http = createAgentServer(client, closing.signal);
  const base = await listen(http, Number(process.env.PORT ?? 0));
  cleanups.push(() => close(http, closing));

  await runAnswer(client, RUN_ID, { question: QUESTION });
  say(`asked ${JSON.stringify(QUESTION)}; open ${base}?q=${RUN_ID} to watch the answer stream in a browser`);
  say("the answer as it streams (the fake model fails once mid-answer; the retry rewinds it):");
  let shown = "";
  for await (const chunk of readAnswerStream(client, RUN_ID, ANSWER_STREAM, { follow: true })) {
    if (chunk.reset) {
      process.stdout.write(
        `\n  ↺ reset at offset ${chunk.offset}: attempt ${chunk.attempt} failed, its text is void\n`,
      );
      shown = "";
      continue;
    }
    if (shown === "") process.stdout.write(`  attempt ${chunk.attempt}: `);
    shown += chunk.value;
    process.stdout.write(chunk.value);
  }
  process.stdout.write("\n");
  const result = await awaitAnswerResult(client, RUN_ID, { timeout: "30s" });
  say(
    `run ${RUN_ID} completed by attempt ${result.attempt}; the streamed text ${shown === result.text ? "matches" : "DIFFERS FROM"} its result`,
  );
  if (SERVE) {
    say(`the page stays at ${base}?q=${RUN_ID} (and ${base} to ask more); Ctrl-C ends the demo`);
    await new Promise(() => {});
  }
}

function close(server: Server, closing: AbortController): Promise<void> {
  closing.abort();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

try {
  await main();
} catch (error) {
  say(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
