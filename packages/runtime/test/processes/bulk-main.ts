/**
 * A caller of client.bulk in a process of its own, which the bulk test kills mid-way:
 * `node --import tsx bulk-main.ts <url> <namespace> <batchId>`. Prints each progress report as a
 * JSON line.
 */
import { createClient } from "../../src/index.js";

const [url, namespace, batchId] = process.argv.slice(2);
if (url === undefined || namespace === undefined || batchId === undefined) {
  throw new Error("usage: bulk-main.ts <url> <namespace> <batchId>");
}
const client = createClient({ uri: url });
const result = await client.bulk(namespace, {
  batchId,
  filter: { status: "running" },
  action: "pause",
  onProgress: (progress) => {
    process.stdout.write(`${JSON.stringify({ matched: progress.matched, done: progress.done })}\n`);
  },
});
process.stdout.write(`done ${JSON.stringify(result)}\n`);
await client.close();
