import type { CleanupWorkflow, SignupWorkflow } from "./replay_gen.js";

export const signup: SignupWorkflow = async (flow, input) => {
  const verified = await flow.awaitVerified("24h");
  if (verified === undefined) return { status: "expired", email: input.email };
  const { accountId } = await flow.provisionAccount({ email: input.email, plan: input.plan });
  return { status: "active", email: input.email, accountId };
};

export const cleanup: CleanupWorkflow = async (flow) => flow.deleteUnverified(null);
