// Must keep failing to compile: each directive marks a misuse of `secret` that the manifest or generated API rejects.
import { activity, workflow } from "@replaykit/codegen";
import { charge, type Payment } from "../../fixtures/secret-fields/replay.js";
import { BILLING_SECRET_FIELDS } from "../../fixtures/secret-fields/replay_gen.js";

export function misuse(): void {
  // @ts-expect-error secret is a list of field names, not one name
  workflow<Payment, string>({ description: "d", secret: "cardNumber" });
  // @ts-expect-error a field name is a string
  activity(charge, { description: "d", secret: [4111] });
  // @ts-expect-error the generated list is read-only: the manifest is where fields become secret
  BILLING_SECRET_FIELDS.push("cvc");
  workflow<Payment, string>({ description: "d", secret: ["cardNumber"] });
}
