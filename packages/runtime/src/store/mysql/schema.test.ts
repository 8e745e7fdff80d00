import { describe, expect, it } from "vitest";
import { MIGRATIONS } from "./schema.js";

describe("MIGRATIONS", () => {
  it("are numbered in ascending order without repeats, each with a name (gaps are fine: migrations apply by set)", () => {
    const versions = MIGRATIONS.map((migration) => migration.version);
    expect(versions[0]).toBe(1);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
    expect(new Set(MIGRATIONS.map((migration) => migration.name)).size).toBe(MIGRATIONS.length);
  });
});
