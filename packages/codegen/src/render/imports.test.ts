import { describe, expect, it } from "vitest";
import { compareNames } from "./imports.js";

describe("named imports", () => {
  it("are sorted as biome's organizeImports keeps them", () => {
    const names = [
      "Greeting",
      "GreetInput",
      "EventType",
      "createWorker",
      "ShipResult",
      "Shipped",
      "ShipInput",
      "Backends",
    ];
    expect([...names].sort(compareNames)).toEqual([
      "Backends",
      "createWorker",
      "EventType",
      "GreetInput",
      "Greeting",
      "ShipInput",
      "Shipped",
      "ShipResult",
    ]);
  });
});
