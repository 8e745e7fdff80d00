import { activity, defineNamespace, stream, workflow } from "@replaykit/codegen";
import { streamAnswer } from "./activities.js";
import type { AgentStep, Answer, Question } from "./types.js";

export default defineNamespace({
  name: "agent",
  workflows: {
    answer: workflow<Question, Answer>({
      description: "Answer a customer's question, streaming the answer to the run's stream \"answer\".",
      streams: {
        steps: stream<AgentStep>({ description: "What the agent is doing: asking the model, then answered." }),
      },
    }),
  },
  activities: {
    streamAnswer: activity(streamAnswer, {
      description: "Ask the model and stream its tokens; the first attempt fails mid-answer on purpose.",
      retry: { initialInterval: "300ms", maxInterval: "2s", maxAttempts: 3 },
      timeout: "60s",
      streams: { answer: stream<string>({ description: "The answer, token by token." }) },
    }),
  },
});
