import type { AnswerWorkflow } from "./replay_gen.js";

/**
 * One question, one streamed answer: the activity streams the answer; the workflow says what it
 * is doing on its own stream "steps" (recorded with its steps: a replay does not write them again).
 */
export const answer: AnswerWorkflow = async (flow, input) => {
  await flow.writeStream("steps", { step: "asking" });
  const result = await flow.streamAnswer(input);
  await flow.writeStream("steps", { step: "answered", attempt: result.attempt });
  await flow.closeStream("steps");
  return result;
};
