import { InvalidManifestNameError } from "../errors.js";
import type { ProblemCollector } from "./collector.js";
import {
  configObject,
  expectCall,
  indexProperties,
  optional,
  optionalExpression,
  readEntries,
  readOptionalDescription,
} from "./entries.js";
import { checkOptionKeys } from "./option-keys.js";
import type { RawRequest, RawWorkflow } from "./raw.js";
import type { StaticProperty } from "./static.js";

/** The `updates` and `queries` of a workflow's options, as written. */
export function readRequests(
  config: Map<string, StaticProperty>,
  problems: ProblemCollector,
): Pick<RawWorkflow, "updates" | "queries"> {
  return {
    updates: readEntries(config.get("updates"), "updates", problems, (item, p) => readRequest(item, "update", p)),
    queries: readEntries(config.get("queries"), "queries", problems, (item, p) => readRequest(item, "query", p)),
  };
}

/** `update<In, Out>({ description?, input?, output? })` or `query<In, Out>(...)`; the options may be left out. */
function readRequest(entry: StaticProperty, kind: "update" | "query", problems: ProblemCollector) {
  const call = expectCall(entry, kind, kind, problems);
  if (call === undefined) return undefined;
  const what = `${kind} ${JSON.stringify(entry.key)}`;
  const config = call.getArguments().length === 0 ? indexProperties([]) : configObject(call, 0, what, problems);
  if (config === undefined) return undefined;
  checkOptionKeys(config.values(), kind, what, problems);
  const [inputTypeNode, outputTypeNode] = call.getTypeArguments();
  const request: RawRequest = {
    kind,
    name: entry.key,
    keyNode: entry.keyNode,
    call,
    ...optional("description", readOptionalDescription(config, call, kind, entry.key, problems)),
    ...optional("inputTypeNode", inputTypeNode),
    ...optional("outputTypeNode", outputTypeNode),
    ...optionalExpression("inputSchema", config.get("input")),
    ...optionalExpression("outputSchema", config.get("output")),
  };
  return request;
}

/**
 * Reports a name used twice among a workflow's signals, updates and queries. A caller names
 * what it sends by that name alone, and the Flow's `on<Name>` members of an update and a query
 * of one name would clash.
 */
export function checkRequestNames(wf: RawWorkflow, problems: ProblemCollector): void {
  const first = new Map<string, string>();
  const named = [
    ...wf.signals.map((item) => ({ kind: "signal", name: item.name, node: item.keyNode })),
    ...wf.updates.map((item) => ({ kind: item.kind, name: item.name, node: item.keyNode })),
    ...wf.queries.map((item) => ({ kind: item.kind, name: item.name, node: item.keyNode })),
  ];
  for (const item of named) {
    const earlier = first.get(item.name);
    if (earlier === undefined) {
      first.set(item.name, item.kind);
      continue;
    }
    const reason = `workflow ${JSON.stringify(wf.name)} already has ${earlier === "update" ? "an" : "a"} ${earlier} of that name; a run's signals, updates and queries need distinct names, rename one of them`;
    problems.add(new InvalidManifestNameError(problems.at(item.node), item.kind, item.name, reason));
  }
}
