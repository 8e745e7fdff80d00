import type { AnswerStreams, StreamAnswerContext } from "./replay_gen.js";
import type { Answer, Backends, Question } from "./types.js";

/** The run's stream the answer is written to, token by token (declared in the manifest). */
export const ANSWER_STREAM = "answer" satisfies keyof AnswerStreams;

/**
 * Asks the model and streams its tokens to the run's stream "answer" as they come. When the
 * model fails mid-answer, the attempt fails; the retry first appends a reset marker for it, so a
 * reader drops the half answer, and then streams the answer anew.
 */
export async function streamAnswer(
  ctx: StreamAnswerContext,
  backends: Backends,
  { question }: Question,
): Promise<Answer> {
  let text = "";
  for await (const token of backends.model.complete(question, ctx.attempt, ctx.signal)) {
    await ctx.writeStream(ANSWER_STREAM, token);
    text += token;
  }
  await ctx.closeStream(ANSWER_STREAM);
  return { text, attempt: ctx.attempt };
}
