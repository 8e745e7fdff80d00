import type { GreetWorkflow } from "./replay_gen.js";

const ENRICH_STEPS = ["addTitle", "addFirstName", "addSurname", "addEmoji", "capitalise"] as const;

/** "hello" -> "Hello, Dr Ada Lovelace 👋", printed; then a nap, then a reply or a timeout. */
export const greet: GreetWorkflow = async (flow, input) => {
  let text = input.text;
  for (const step of ENRICH_STEPS) text = (await flow[step]({ text, person: input.person })).text;
  await flow.printGreeting({ text });

  await flow.sleep(input.nap);
  const reply = await flow.awaitReply(input.replyTimeout);
  if (reply === undefined) {
    await flow.printGreeting({ text: `${input.person.firstName} did not reply` });
    return { greeting: text, reply: null };
  }
  await flow.printGreeting({ text: `${input.person.firstName} replied: ${reply.text}` });
  return { greeting: text, reply: reply.text };
};
