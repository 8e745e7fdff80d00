import type { FakeModel } from "./model.js";

/** What every activity of namespace "agent" receives. */
export interface Backends {
  readonly model: FakeModel;
}

export interface Question {
  /** The customer's question, as they typed it. */
  readonly question: string;
}

/** A chunk of the run's stream "steps": what the agent is doing. */
export interface AgentStep {
  readonly step: "asking" | "answered";
  /** On "answered": the attempt of the model call that answered. */
  readonly attempt?: number;
}

export interface Answer {
  /** The whole answer, as the stream "answer" carried it. */
  readonly text: string;
  /** The attempt of the activity that answered: 2 when the model failed once. */
  readonly attempt: number;
}
