import { activity, defineNamespace, schedule, signal, workflow } from "@replaykit/codegen";
import { deleteUnverified, provisionAccount } from "./activities.js";
import { EmailVerified, SignupInput } from "./schemas.js";
import type { SignupResult } from "./types.js";

export default defineNamespace({
  name: "onboarding",
  workflows: {
    signup: workflow<SignupInput, SignupResult>({
      description: "Waits a day for the e-mail to be verified, then provisions the account.",
      input: SignupInput,
      signals: { verified: signal(EmailVerified, { description: "The user typed the code we e-mailed." }) },
    }),
    cleanup: workflow<null, number>({ description: "Deletes the accounts nobody verified." }),
  },
  activities: {
    provisionAccount: activity(provisionAccount, { description: "Creates the account." }),
    deleteUnverified: activity(deleteUnverified, { description: "Deletes unverified accounts." }),
  },
  schedules: {
    nightlyCleanup: schedule({ workflow: "cleanup", cron: "0 3 * * *", input: null }),
  },
});
