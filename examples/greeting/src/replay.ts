import { activity, defineNamespace, signal, workflow } from "@replaykit/codegen";
import { addEmoji, addFirstName, addSurname, addTitle, capitalise, printGreeting } from "./activities.js";
import type { GreetingInput, GreetingResult, Reply, WelcomeInput, WelcomeResult } from "./types.js";

export default defineNamespace({
  name: "greeting",
  workflows: {
    greet: workflow<GreetingInput, GreetingResult>({
      description: "Enrich a greeting in five steps, print it, rest, and wait a while for a reply.",
      signals: { reply: signal<Reply>({ description: "The person answered." }) },
    }),
    welcome: workflow<WelcomeInput, WelcomeResult>({
      description: "Wait for another service's user.verified event for one user, then greet them.",
    }),
  },
  activities: {
    addTitle: activity(addTitle, { description: "Add the person's title." }),
    addFirstName: activity(addFirstName, { description: "Add the first name." }),
    addSurname: activity(addSurname, { description: "Add the surname." }),
    addEmoji: activity(addEmoji, { description: "Add a wave." }),
    capitalise: activity(capitalise, { description: "Capitalise the first letter." }),
    printGreeting: activity(printGreeting, { description: "Print a line." }),
  },
});
