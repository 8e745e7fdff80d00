// Must keep failing to compile: each directive marks a misuse the generated API has to reject.
import type { Client } from "@replaykit/runtime";
import { runAnnotate } from "../../fixtures/exact-types/replay_gen.js";
import type { RefundWorkflow, SignupFlow, SignupWorkflow } from "../../fixtures/zod-schemas/replay_gen.js";
import { runSignup, signalSignupVerified, startReplayLoops } from "../../fixtures/zod-schemas/replay_gen.js";

export async function misuse(client: Client, flow: SignupFlow, signup: SignupWorkflow, refund: RefundWorkflow) {
  // @ts-expect-error a z.input-only value (no plan; the default fills it in) where the parsed input is required
  await signup(flow, { email: "ana@example.com" });
  // @ts-expect-error a required field missing
  await runSignup(client, "r1", { plan: "pro" });
  // @ts-expect-error a z.output value where the schema's input is required (the attempt is sent as text)
  await signalSignupVerified(client, "r1", { code: "123456", attempt: 2 }, "e1");
  // @ts-expect-error an extra signal name: the flow awaits only "verified"
  await flow.awaitCancelled("1h");
  // @ts-expect-error an extra workflow name
  startReplayLoops({ client, backends: undefined, workflows: { signup, refund, cancel: signup } });
  // @ts-expect-error undefined for an optional field declared without `| undefined`
  await runAnnotate(client, "r1", { id: "1", note: undefined });
  await runSignup(client, "r1", { email: "ana@example.com" });
  await signalSignupVerified(client, "r1", { code: "123456", attempt: "2" }, "e1");
}
