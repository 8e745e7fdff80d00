// Must keep failing to compile: each directive marks a misuse of typed tags the generated API has to reject.
import type { Client } from "@replaykit/runtime";
import {
  type InvoiceFlow,
  type RemindFlow,
  runInvoice,
  signalWithStartInvoicePaid,
} from "../../fixtures/tags-activity-queues/replay_gen.js";

type Invoice = { id: string; email: string };

export async function misuseTags(client: Client, invoice: Invoice): Promise<void> {
  // @ts-expect-error a tag value of the wrong type
  await runInvoice(client, "i1", invoice, { tags: { customer: 42 } });
  // @ts-expect-error a tag the manifest does not declare
  await runInvoice(client, "i1", invoice, { tags: { cutsomer: "c-1" } });
  // @ts-expect-error a value outside the tag's literal union
  await runInvoice(client, "i1", invoice, { tags: { plan: "gold" } });
  // @ts-expect-error the with-start helpers take the typed tags too
  await signalWithStartInvoicePaid(client, "i1", invoice, { at: "now" }, "e1", { tags: { vip: "yes" } });
}

export async function misuseFlowTags(invoiceFlow: InvoiceFlow, remindFlow: RemindFlow, invoice: Invoice) {
  await invoiceFlow.setTags({ customer: "c-1", plan: "pro", attempt: 2 });
  // @ts-expect-error the Flow's setTags takes the workflow's declared tags only
  await invoiceFlow.setTags({ cutsomer: "c-1" });
  // @ts-expect-error the Flow's setTags checks each tag's type
  await invoiceFlow.setTags({ attempt: "2" });
  // A workflow that declares no tags sets any, as the untyped runtime does.
  await remindFlow.setTags({ anything: 1, reminded: true });
  await remindFlow.runInvoice("i1-again", invoice, { tags: { vip: true }, timeout: "1h" });
  // @ts-expect-error a child's start takes the child's typed tags
  await remindFlow.runInvoice("i1-again", invoice, { tags: { vip: "yes" } });
  // @ts-expect-error startChild too: a tag the child does not declare
  await remindFlow.startInvoice("i1-again", invoice, { tags: { cutsomer: "c-1" } });
}
