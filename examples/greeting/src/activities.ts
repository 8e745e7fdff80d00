import type { ActivityContext } from "@replaykit/runtime";
import type { Backends, EnrichInput, Greeting, Printed } from "./types.js";

export async function addTitle(_ctx: ActivityContext, _b: Backends, { text, person }: EnrichInput): Promise<Greeting> {
  return { text: `${text}, ${person.title}` };
}

export async function addFirstName(
  _ctx: ActivityContext,
  _b: Backends,
  { text, person }: EnrichInput,
): Promise<Greeting> {
  return { text: `${text} ${person.firstName}` };
}

export async function addSurname(
  _ctx: ActivityContext,
  _b: Backends,
  { text, person }: EnrichInput,
): Promise<Greeting> {
  return { text: `${text} ${person.surname}` };
}

export async function addEmoji(_ctx: ActivityContext, _b: Backends, { text }: EnrichInput): Promise<Greeting> {
  return { text: `${text} 👋` };
}

export async function capitalise(_ctx: ActivityContext, _b: Backends, { text }: EnrichInput): Promise<Greeting> {
  return { text: text.charAt(0).toUpperCase() + text.slice(1) };
}

export async function printGreeting(_ctx: ActivityContext, backends: Backends, { text }: Greeting): Promise<Printed> {
  await backends.printer.print(text);
  return { printed: true };
}
