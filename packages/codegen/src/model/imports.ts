import type { ImportRef } from "./model.js";

/**
 * Assigns each imported (module, name) pair one local identifier in the generated
 * file, aliasing on collisions with each other or with reserved names.
 */
export class ImportTable {
  readonly #byKey = new Map<string, ImportRef>();
  readonly #taken = new Set<string>();

  constructor(reserved: Iterable<string>) {
    for (const name of reserved) this.#taken.add(name);
  }

  /** The local name for `name` exported by `from` (`preferred` for a default export); value use wins over type-only use. */
  use(from: string, name: string, typeOnly: boolean, preferred = name): ImportRef {
    const key = `${from}\0${name}`;
    const existing = this.#byKey.get(key);
    if (existing !== undefined) {
      if (existing.typeOnly && !typeOnly) {
        const upgraded = { ...existing, typeOnly: false };
        this.#byKey.set(key, upgraded);
        return upgraded;
      }
      return existing;
    }
    const local = this.#freeName(preferred);
    const ref: ImportRef = { from, name, local, typeOnly };
    this.#byKey.set(key, ref);
    this.#taken.add(local);
    return ref;
  }

  /** Every import, in no particular order. */
  all(): ImportRef[] {
    return [...this.#byKey.values()];
  }

  #freeName(name: string): string {
    if (!this.#taken.has(name)) return name;
    for (let suffix = 2; ; suffix++) {
      const candidate = `${name}${suffix}`;
      if (!this.#taken.has(candidate)) return candidate;
    }
  }
}
