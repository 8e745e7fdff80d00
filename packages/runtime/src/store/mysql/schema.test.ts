import { describe, expect, it } from "vitest";
import { MIGRATIONS } from "./schema.js";

describe("MIGRATIONS", () => {
  it("are numbered 1, 2, 3, ... without gaps or repeats, each with a name (branches merged later must renumber)", () => {
    expect(MIGRATIONS.map((migration) => migration.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(new Set(MIGRATIONS.map((migration) => migration.name)).size).toBe(MIGRATIONS.length);
  });
});
