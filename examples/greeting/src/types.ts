import type { Duration } from "@replaykit/runtime";

/** Where greetings are printed: the console, or a list in tests. */
export interface Printer {
  print(line: string): Promise<void>;
}

/** What every activity of namespace "greeting" receives. */
export interface Backends {
  readonly printer: Printer;
}

export interface Person {
  readonly title: string;
  readonly firstName: string;
  readonly surname: string;
}

export interface GreetingInput {
  /** The bare greeting, e.g. "hello". */
  readonly text: string;
  readonly person: Person;
  /** How long to rest after printing, e.g. "1s". */
  readonly nap: Duration;
  /** How long to wait for a reply. */
  readonly replyTimeout: Duration;
}

export interface GreetingResult {
  readonly greeting: string;
  /** null when no reply came in time. */
  readonly reply: string | null;
}

/** What each enrich activity takes: the greeting so far and who it is for. */
export interface EnrichInput {
  readonly text: string;
  readonly person: Person;
}

export interface Greeting {
  readonly text: string;
}

export interface Printed {
  readonly printed: true;
}

export interface Reply {
  readonly text: string;
}
