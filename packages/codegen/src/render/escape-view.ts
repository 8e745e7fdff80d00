import { escapeMarks } from "./layout/marks.js";

/**
 * The view with the layout-mark characters in its text escaped (keys included: a JSON value's
 * keys come from the manifest), so the manifest's text is printed as written, never read as layout.
 */
export function escapeView<T>(view: T): T {
  return escapeValue(view) as T;
}

function escapeValue(value: unknown): unknown {
  if (typeof value === "string") return escapeMarks(value);
  if (Array.isArray(value)) return value.map(escapeValue);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [escapeMarks(key), escapeValue(item)]));
}
