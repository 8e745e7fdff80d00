import { createPool } from "mysql2/promise";
import { describe, expect, it } from "vitest";
import { DatabaseUnreachableError } from "../../errors.js";
import { endpointOf, isUnreachable, mapDbError } from "./db-errors.js";

const endpoint = { host: "db.example", port: 3307 };

describe("mapDbError", () => {
  it.each([
    ["a refused socket", { code: "ECONNREFUSED" }],
    ["a connect timeout", { code: "ETIMEDOUT" }],
    ["an unknown host", { code: "ENOTFOUND" }],
    ["errno 2002", { errno: 2002 }],
    ["errno 2003", { errno: 2003 }],
    ["errno 2013 (lost connection)", { errno: 2013 }],
    ["errno 1045 (access denied)", { errno: 1045 }],
    ["an AggregateError of refused sockets", { errors: [{ code: "ECONNREFUSED" }] }],
  ])("turns %s into DatabaseUnreachableError naming host and port", (_label, fields) => {
    const mapped = mapDbError(Object.assign(new Error("boom"), fields), endpoint);
    expect(mapped).toBeInstanceOf(DatabaseUnreachableError);
    expect((mapped as Error).message).toContain("db.example:3307");
  });

  it("leaves other errors alone, such as a duplicate key", () => {
    const duplicate = Object.assign(new Error("Duplicate entry"), { errno: 1062, code: "ER_DUP_ENTRY" });
    expect(isUnreachable(duplicate)).toBe(false);
    expect(mapDbError(duplicate, endpoint)).toBe(duplicate);
  });
});

describe("endpointOf", () => {
  it("reads host and port from a pool made from options or from a URL", async () => {
    const byOptions = createPool({ host: "10.1.2.3", port: 3310 });
    const byUri = createPool({ uri: "mysql://u@db.internal:3399/app" });
    try {
      expect(endpointOf(byOptions)).toEqual({ host: "10.1.2.3", port: 3310 });
      expect(endpointOf(byUri)).toEqual({ host: "db.internal", port: 3399 });
    } finally {
      await byOptions.end();
      await byUri.end();
    }
  });
});
