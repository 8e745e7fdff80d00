/**
 * A bounded map that forgets the least recently used entry first. Size 0 keeps nothing.
 * `onDrop` is told of every entry it lets go of (evicted, deleted, replaced, cleared), but not
 * of one handed out by `take`.
 */
export class LruCache<V> {
  readonly #max: number;
  readonly #entries = new Map<string, V>();
  readonly #onDrop: (value: V) => void;

  constructor(max: number, onDrop: (value: V) => void = () => {}) {
    this.#max = max;
    this.#onDrop = onDrop;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The entry, left in place (and in its place in the order). */
  peek(key: string): V | undefined {
    return this.#entries.get(key);
  }

  /** Removes and returns the entry: the caller owns it while it works on the run. */
  take(key: string): V | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) this.#entries.delete(key);
    return value;
  }

  put(key: string, value: V): void {
    if (this.#max <= 0) {
      this.#onDrop(value);
      return;
    }
    const replaced = this.#entries.get(key);
    this.#entries.delete(key);
    if (replaced !== undefined && replaced !== value) this.#onDrop(replaced);
    this.#entries.set(key, value);
    while (this.#entries.size > this.#max) {
      const oldest = this.#entries.entries().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest[0]);
      this.#onDrop(oldest[1]);
    }
  }

  delete(key: string): void {
    const value = this.#entries.get(key);
    if (value === undefined) return;
    this.#entries.delete(key);
    this.#onDrop(value);
  }

  /** Drops every entry. */
  clear(): void {
    const values = [...this.#entries.values()];
    this.#entries.clear();
    for (const value of values) this.#onDrop(value);
  }
}
