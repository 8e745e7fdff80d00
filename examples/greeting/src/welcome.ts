import type { WelcomeWorkflow } from "./replay_gen.js";
import type { UserVerified } from "./types.js";

/** The event the accounts service publishes, with the user id as its key. */
export const USER_VERIFIED = "user.verified";

/**
 * Waits for the accounts service to say this user verified their address, then greets them.
 * The lookback counts an event published shortly before the wait began: the user may click the
 * link in the mail before this run gets here.
 */
export const welcome: WelcomeWorkflow = async (flow, input) => {
  const verified = (await flow.waitForEvent(USER_VERIFIED, {
    key: input.userId,
    timeout: input.verifyTimeout,
    lookback: "5m",
  })) as UserVerified | undefined;
  if (verified === undefined) {
    await flow.printGreeting({ text: `${input.firstName} never verified` });
    return { status: "unverified" };
  }
  await flow.printGreeting({ text: `Welcome, ${input.firstName} (${verified.email})` });
  return { status: "welcomed", email: verified.email };
};
