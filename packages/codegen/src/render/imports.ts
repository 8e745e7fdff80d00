import { RUNTIME_MODULE } from "../model/identifiers.js";
import type { ImportRef } from "../model/model.js";
import type { ImportView } from "./view.js";

/** The import statements, one per (module, type-only) pair, in the order biome's organizeImports keeps. */
export function importViews(imports: readonly ImportRef[]): ImportView[] {
  const groups = new Map<string, { from: string; typeOnly: boolean; names: string[] }>();
  for (const ref of imports) {
    const key = `${ref.from}\0${ref.typeOnly}`;
    const group = groups.get(key) ?? { from: ref.from, typeOnly: ref.typeOnly, names: [] };
    group.names.push(ref.local === ref.name ? ref.name : `${ref.name} as ${ref.local}`);
    groups.set(key, group);
  }
  return [...groups.values()]
    .sort((a, b) => compareModules(a.from, b.from) || Number(b.typeOnly) - Number(a.typeOnly))
    .map((group) => ({ ...group, names: [...group.names].sort(compareNames) }));
}

/** Runtime imports needed by the generated file. */
export function runtimeImports(types: readonly string[], values: readonly string[]): ImportRef[] {
  return [
    ...types.map((name) => ({ from: RUNTIME_MODULE, name, local: name, typeOnly: true })),
    ...values.map((name) => ({ from: RUNTIME_MODULE, name, local: name, typeOnly: false })),
  ];
}

function compareModules(a: string, b: string): number {
  const rankA = moduleRank(a);
  const rankB = moduleRank(b);
  if (rankA !== rankB) return rankB - rankA;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Packages first, then relative paths, farther ones (more `../`) first. */
function moduleRank(from: string): number {
  if (!from.startsWith(".")) return Number.MAX_SAFE_INTEGER;
  return from.split("/").filter((part) => part === "..").length;
}

/**
 * Biome's order for named imports: at the first character that differs, letters compare
 * case-insensitively, and the same letter in two cases puts the upper case first
 * (`GreetInput` before `Greeting`, `createWorker` before `EventType`).
 */
export function compareNames(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const [charA, charB] = [a.charAt(i), b.charAt(i)];
    if (charA === charB) continue;
    const [lowerA, lowerB] = [charA.toLowerCase(), charB.toLowerCase()];
    if (lowerA !== lowerB) return lowerA < lowerB ? -1 : 1;
    return charA < charB ? -1 : 1;
  }
  return a.length - b.length;
}
