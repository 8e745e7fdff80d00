// One greeting end to end: npm run build -w @replaykit/example-greeting && npm start -w @replaykit/example-greeting
// Starts a throwaway MariaDB (or uses REPLAY_MYSQL_URL), greets Ada, sends her reply, prints the result.
import { createClient } from "@replaykit/runtime";
import { createScratchDatabase, startMariaDb } from "@replaykit/runtime/testing";
import { consolePrinter } from "./printers.js";
import { awaitGreetResult, runGreet, signalGreetReply } from "./replay_gen.js";
import { startGreetingWorker } from "./worker.js";

const server = await startMariaDb();
const db = await createScratchDatabase(server.url, "greeting");
try {
  const client = createClient({ pool: db.pool });
  await client.migrate();
  const worker = await startGreetingWorker(client, { printer: consolePrinter });
  const person = { title: "Dr", firstName: "Ada", surname: "Lovelace" };
  await runGreet(client, "ada", { text: "hello", person, nap: "1s", replyTimeout: "10s" });
  setTimeout(() => void signalGreetReply(client, "ada", { text: "hi there!" }, "reply-1"), 1500);
  console.log(await awaitGreetResult(client, "ada", { timeout: "20s" }));
  await worker.stop();
} finally {
  await db.drop();
  await server.stop();
}
