/**
 * W10's reader of streams, in a process of its own (so every chunk crosses from the writer's
 * process through the database): forked by the bench, it talks over the IPC channel.
 *
 *   parent -> child: { type: "init", replaykitUrl?, dbos? } -> a replaykit client on that database
 *                    and/or DBOS launched on that system database as a reader (its own executor
 *                    ID, no admin server), so DBOS.readStream is woken by LISTEN/NOTIFY;
 *   child -> parent: { type: "ready" };
 *   parent -> child: { type: "read", system, runId, key } -> follows the stream until it ends;
 *   child -> parent: { type: "reading" } once the read began, then { type: "latencies", values }:
 *                    per chunk, received - the `at` stamped into it just before it was written
 *                    (performance.timeOrigin + performance.now() in both processes);
 *   parent -> child: { type: "stop" } -> the child exits.
 */

import { DBOS } from "@dbos-inc/dbos-sdk";
import { type Client, createClient } from "@replaykit/runtime";

export interface InitMessage {
  readonly type: "init";
  readonly replaykitUrl?: string;
  readonly dbos?: { readonly systemDatabaseUrl: string; readonly name: string };
}

export interface ReadMessage {
  readonly type: "read";
  readonly system: "replaykit" | "dbos";
  readonly namespace: string;
  readonly workflow: string;
  readonly runId: string;
  readonly key: string;
}

export type ToReader = InitMessage | ReadMessage | { readonly type: "stop" };
export type FromReader =
  | { readonly type: "ready" }
  | { readonly type: "reading" }
  | { readonly type: "latencies"; readonly values: readonly number[] }
  | { readonly type: "failed"; readonly message: string };

/** Now, on a clock both processes share to well under a millisecond. */
export const stamp = (): number => performance.timeOrigin + performance.now();

const send = (message: FromReader) => process.send?.(message);
let client: Client | undefined;
let dbosLaunched = false;

async function init(message: InitMessage): Promise<void> {
  if (message.replaykitUrl) client = createClient({ uri: message.replaykitUrl });
  if (message.dbos) {
    DBOS.setConfig({
      name: message.dbos.name,
      systemDatabaseUrl: message.dbos.systemDatabaseUrl,
      systemDatabasePoolSize: 4,
      executorID: "w10-reader",
      runAdminServer: false,
      logger: {
        info: () => {},
        debug: () => {},
        warn: () => {},
        error: (e: unknown) => process.stderr.write(`${String(e)}\n`),
      },
    });
    await DBOS.launch();
    dbosLaunched = true;
  }
  send({ type: "ready" });
}

function chunksOf(message: ReadMessage): AsyncIterable<unknown> {
  if (message.system === "dbos") return DBOS.readStream(message.runId, message.key);
  if (!client) throw new Error("init did not give a replaykit database");
  const { namespace, workflow, runId, key } = message;
  const chunks = client.readStream(namespace, workflow, runId, key, { follow: true });
  return (async function* values() {
    for await (const chunk of chunks) yield chunk.value;
  })();
}

async function read(message: ReadMessage): Promise<void> {
  const latencies: number[] = [];
  const iterator = chunksOf(message)[Symbol.asyncIterator]();
  const first = iterator.next();
  send({ type: "reading" });
  for (let next = await first; !next.done; next = await iterator.next()) {
    const at = (next.value as { at?: unknown } | null)?.at;
    if (typeof at === "number") latencies.push(stamp() - at);
  }
  send({ type: "latencies", values: latencies });
}

process.on("message", (message: ToReader) => {
  void (async () => {
    if (message.type === "init") await init(message);
    else if (message.type === "read") await read(message);
    else {
      await client?.close();
      if (dbosLaunched) await DBOS.shutdown();
      process.exit(0);
    }
  })().catch((error: unknown) => {
    send({ type: "failed", message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  });
});
