import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { generate, ProjectCache } from "../src/index.js";
import { FIXTURES, PACKAGE_ROOT } from "./helpers.js";

const DIR = path.join(PACKAGE_ROOT, "test", ".tmp", "project-cache");

afterAll(() => rmSync(DIR, { recursive: true, force: true }));

it("picks up a change in an imported file when a ProjectCache is reused (watch mode)", () => {
  rmSync(DIR, { recursive: true, force: true });
  cpSync(path.join(FIXTURES, "signals-outputs"), DIR, { recursive: true });
  const projects = new ProjectCache();
  const shipOrderLine = () =>
    generate([path.join(DIR, "replay.ts")], { projects })[0]
      ?.content.split("\n")
      .find((line) => line.includes("shipOrder(input"));
  expect(shipOrderLine()).toBe("  shipOrder(input: ShipInput): Promise<ShipResult>;");
  const file = path.join(DIR, "activities.ts");
  const changed = readFileSync(file, "utf8")
    .replace("input: ShipInput): Promise<ShipResult>", "input: ShipInput): Promise<ShipInput>")
    .replace("return { trackingId: await backends.courier.book(input.address) };", "return input;");
  writeFileSync(file, changed);
  expect(shipOrderLine()).toBe("  shipOrder(input: ShipInput): Promise<ShipInput>;");
});
