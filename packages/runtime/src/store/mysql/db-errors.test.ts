import { createPool } from "mysql2/promise";
import { describe, expect, it } from "vitest";
import {
  DatabaseAccessDeniedError,
  DatabaseUnreachableError,
  SchemaNotMigratedError,
  UnknownDatabaseError,
} from "../../errors.js";
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
    ["an AggregateError of refused sockets", { errors: [{ code: "ECONNREFUSED" }] }],
  ])("turns %s into DatabaseUnreachableError naming host and port", (_label, fields) => {
    const mapped = mapDbError(Object.assign(new Error("boom"), fields), endpoint);
    expect(mapped).toBeInstanceOf(DatabaseUnreachableError);
    expect((mapped as Error).message).toContain("db.example:3307");
  });

  it.each([
    ["errno 1045 (access denied)", { errno: 1045 }, DatabaseAccessDeniedError],
    ["errno 1044 (no access to the database)", { errno: 1044 }, DatabaseAccessDeniedError],
    ["errno 1049 (unknown database)", { errno: 1049, message: "Unknown database 'shop'" }, UnknownDatabaseError],
    ["errno 1046 (no database selected)", { errno: 1046 }, UnknownDatabaseError],
    ["errno 1146 (no such table)", { errno: 1146 }, SchemaNotMigratedError],
  ])("turns %s into its own error, not 'cannot reach'", (_label, fields, kind) => {
    const mapped = mapDbError(Object.assign(new Error("boom"), fields), endpoint);
    expect(mapped).toBeInstanceOf(kind);
    expect((mapped as Error).message).not.toContain("cannot reach");
  });

  it("names the unknown database from the server's message", () => {
    const mapped = mapDbError(Object.assign(new Error("Unknown database 'shop'"), { errno: 1049 }), endpoint);
    expect(mapped).toMatchObject({ database: "shop" });
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
      expect(endpointOf(byOptions)).toEqual({ host: "10.1.2.3", port: 3310, database: undefined });
      expect(endpointOf(byUri)).toEqual({ host: "db.internal", port: 3399, database: "app" });
    } finally {
      await byOptions.end();
      await byUri.end();
    }
  });
});
