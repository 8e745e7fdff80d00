import type { FakeModel } from "./model.js";

/** What every activity of namespace "agent" receives. */
export interface Backends {
  readonly model: FakeModel;
}

export interface Question {
  /** The customer's question, as they typed it. */
  readonly question: string;
}

export interface Answer {
  /** The whole answer, as the stream "answer" carried it. */
  readonly text: string;
  /** The attempt of the activity that answered: 2 when the model failed once. */
  readonly attempt: number;
}
