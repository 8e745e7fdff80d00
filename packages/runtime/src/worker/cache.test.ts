import { expect, it } from "vitest";
import { LruCache } from "./cache.js";

it("tells of every entry it lets go of (evicted, replaced, deleted, cleared), but not of one taken out", () => {
  const dropped: string[] = [];
  const cache = new LruCache<string>(2, (value) => dropped.push(value));
  cache.put("a", "A");
  cache.put("b", "B");
  cache.put("c", "C"); // evicts the least recently used: A
  cache.put("b", "B2"); // replaces B
  expect(cache.take("c")).toBe("C");
  cache.delete("missing");
  cache.put("d", "D");
  cache.delete("d");
  cache.clear();
  expect(dropped).toEqual(["A", "B", "D", "B2"]);
  const none = new LruCache<string>(0, (value) => dropped.push(value));
  none.put("x", "X");
  expect(dropped.at(-1)).toBe("X");
  expect(none.size).toBe(0);
});
