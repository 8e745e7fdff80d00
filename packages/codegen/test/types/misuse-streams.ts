// Must keep failing to compile: each directive marks a misuse of typed streams the generated API has to reject.
import type { Client } from "@replaykit/runtime";
import type { ImportFileContext, ImportsFlow } from "../../fixtures/streams/replay_gen.js";
import { readImportsStream } from "../../fixtures/streams/replay_gen.js";

export async function misuseStreams(client: Client, flow: ImportsFlow, ctx: ImportFileContext): Promise<void> {
  // @ts-expect-error a stream the workflow does not declare
  await flow.writeStream("rows", { file: "a.csv", line: 1 });
  // @ts-expect-error a value of the wrong type
  await flow.writeStream("progress", { done: "1", of: 2 });
  // @ts-expect-error closing a stream the workflow does not declare
  await flow.closeStream("summary");
  // @ts-expect-error an activity writes only its own streams
  await ctx.writeStream("progress", { done: 1, of: 2 });
  // @ts-expect-error an activity's value of the wrong type
  await ctx.writeStream("rows", "a.csv:1");
  // @ts-expect-error reading a stream no writer of the workflow's runs declares
  readImportsStream(client, "r1", "answer");
  for await (const chunk of readImportsStream(client, "r1", "progress")) {
    // @ts-expect-error a chunk's value may be a reset marker's undefined until `chunk.reset` is ruled out
    const done: number = chunk.value.done;
    if (!chunk.reset) {
      // @ts-expect-error the value is the stream's type once it is no reset marker
      const file: string = chunk.value.file;
      void [done, file];
    }
  }
}
