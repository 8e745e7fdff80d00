import { describe, expect, it } from "vitest";
import { MIGRATIONS } from "./schema.js";

describe("MIGRATIONS", () => {
  it("are numbered in increasing order without repeats, each with a name (gaps are fine: they apply by set)", () => {
    const versions = MIGRATIONS.map((migration) => migration.version);
    expect(versions[0]).toBe(1);
    expect(
      versions.every((version, i) => Number.isInteger(version) && (i === 0 || version > (versions[i - 1] ?? 0))),
    ).toBe(true);
    expect(new Set(MIGRATIONS.map((migration) => migration.name)).size).toBe(MIGRATIONS.length);
  });
});
