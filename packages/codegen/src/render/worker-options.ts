import { ids } from "../model/identifiers.js";
import type { ActivityModel, LiteralValue, NamespaceModel } from "../model/model.js";
import { docComment, interfaceHead, LINE_WIDTH, propertyKey, stringLiteral } from "./layout.js";

/** What startReplayLoops and the registry's worker share: option types and the lines of createWorker's options. */

const I1 = "  ";
const I2 = "    ";

const OMITTED = '"namespace" | "workflows" | "activities" | "backends"';

export function workerOptionsHead(name: string): string {
  return interfaceHead(name, `Omit<WorkerOptions, ${OMITTED}>`);
}

export function backendsMember(ns: NamespaceModel): string[] {
  if (ns.backends === undefined) return [];
  return [docComment(I1, "Handed to every activity."), `${I1}readonly backends: ${ns.backends.text};`];
}

/** The manifest's queues and schedules merged with the caller's own, which add to them (a queue of the same name: the caller's limits). */
export function flowControlOptions(ns: NamespaceModel, queues: string): string[] {
  const lines: string[] = [];
  if (ns.queues.length > 0) lines.push(`${I2}queues: { ...${queues}, ...rest.queues },`);
  if (ns.schedules.length > 0)
    lines.push(`${I2}schedules: [...${ids.schedulesConst(ns.name)}, ...(rest.schedules ?? [])],`);
  return lines;
}

export function objectLines(key: string, entries: readonly string[]): string[] {
  if (entries.length === 0) return [`${I2}${key}: {},`];
  return [`${I2}${key}: {`, ...entries, `${I2}},`];
}

/** `head` + `fn`, or + `{ fn, retry, timeout }` when the manifest gives options, broken over lines when long. */
export function registrationLine(head: string, activity: ActivityModel, tail: string, indent: string): string {
  const options = Object.keys(activity.options).sort();
  if (options.length === 0) return `${head}${activity.fn.local}${tail}`;
  const fields = [
    `fn: ${activity.fn.local}`,
    ...options.map((key) => `${key}: ${printLiteral(activity.options[key] ?? "")}`),
  ];
  const oneLine = `${head}{ ${fields.join(", ")} }${tail}`;
  if (oneLine.length <= LINE_WIDTH) return oneLine;
  return `${head}{\n${fields.map((field) => `${indent}${I1}${field},`).join("\n")}\n${indent}}${tail}`;
}

function printLiteral(value: LiteralValue): string {
  if (typeof value === "string") return stringLiteral(value);
  if (typeof value !== "object") return String(value);
  const keys = Object.keys(value).sort();
  if (keys.length === 0) return "{}";
  return `{ ${keys.map((key) => `${propertyKey(key)}: ${printLiteral(value[key] ?? "")}`).join(", ")} }`;
}
