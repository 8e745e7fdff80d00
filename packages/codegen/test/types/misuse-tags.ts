// Must keep failing to compile: each directive marks a misuse of typed tags the generated API has to reject.
import type { Client } from "@replaykit/runtime";
import { runInvoice, signalWithStartInvoicePaid } from "../../fixtures/tags-activity-queues/replay_gen.js";

export async function misuseTags(client: Client, invoice: { id: string; email: string }): Promise<void> {
  // @ts-expect-error a tag value of the wrong type
  await runInvoice(client, "i1", invoice, { tags: { customer: 42 } });
  // @ts-expect-error a tag the manifest does not declare
  await runInvoice(client, "i1", invoice, { tags: { cutsomer: "c-1" } });
  // @ts-expect-error a value outside the tag's literal union
  await runInvoice(client, "i1", invoice, { tags: { plan: "gold" } });
  // @ts-expect-error the with-start helpers take the typed tags too
  await signalWithStartInvoicePaid(client, "i1", invoice, { at: "now" }, "e1", { tags: { vip: "yes" } });
}
