import type { AnswerWorkflow } from "./replay_gen.js";

/** One question, one streamed answer: the activity does the streaming; its result is the whole text. */
export const answer: AnswerWorkflow = async (flow, input) => flow.streamAnswer(input);
