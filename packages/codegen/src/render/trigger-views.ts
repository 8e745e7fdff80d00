import type { JsonLiteral, NamespaceModel } from "../model/model.js";
import type { EventView, TriggerView } from "./view.js";

/** The triggers of the namespace's workflows, and the events they take, one per name, sorted. */
export function triggerViews(ns: NamespaceModel): {
  readonly triggers: TriggerView[];
  readonly events: EventView[];
  readonly manifestWorkflows: string | undefined;
} {
  const triggers: TriggerView[] = [];
  const events = new Map<string, EventView>();
  for (const wf of ns.workflows) {
    const trigger = wf.trigger;
    if (trigger === undefined) continue;
    const debounce =
      trigger.debounce === undefined
        ? undefined
        : Object.fromEntries(Object.entries(trigger.debounce).sort(([a], [b]) => (a < b ? -1 : 1)));
    triggers.push({
      workflow: wf.name,
      event: trigger.event,
      type: trigger.typeToRead.text,
      debounce: debounce as JsonLiteral | undefined,
      singleton: trigger.singleton,
    });
    const known = events.get(trigger.event);
    const workflows = [...(known?.workflows ?? []), wf.name];
    events.set(trigger.event, {
      name: trigger.event,
      type: trigger.type.text,
      schema: trigger.schema?.local,
      workflows,
    });
  }
  const sorted = [...events.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const manifestWorkflows = ns.manifest === undefined ? undefined : `${ns.manifest.local}.workflows`;
  return { triggers, events: sorted, manifestWorkflows };
}
