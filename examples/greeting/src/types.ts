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

/** The input of `welcome`: a user who signed up and must verify their address. */
export interface WelcomeInput {
  readonly userId: string;
  readonly firstName: string;
  /** How long to wait for `user.verified`, e.g. "1d". */
  readonly verifyTimeout: Duration;
}

/** The data of a `user.verified` event, published (key: the user id) by the accounts service. */
export interface UserVerified {
  readonly email: string;
}

export type WelcomeResult = { readonly status: "welcomed"; readonly email: string } | { readonly status: "unverified" };
