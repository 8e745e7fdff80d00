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

it("reads a manifest whose types need the global type packages with the complete project from then on", () => {
  const dir = path.join(DIR, "node-types");
  rmSync(dir, { recursive: true, force: true });
  cpSync(path.join(FIXTURES, "one-workflow"), dir, { recursive: true });
  const manifest = path.join(dir, "replay.ts");
  // A global of @types/node, in a manifest that imports nothing that pulls @types/node in by itself
  // (the runtime does, so no activities, and no import("node:...") type).
  writeFileSync(
    manifest,
    [
      'import { defineNamespace, workflow } from "@replaykit/codegen";',
      "export interface Greeting {",
      "  readonly name: string;",
      "  readonly exitSignal: NodeJS.Signals;",
      "}",
      "export default defineNamespace({",
      '  name: "hello",',
      '  workflows: { greet: workflow<Greeting, string>({ description: "Says hello once." }) },',
      "});",
      "",
    ].join("\n"),
  );
  const projects = new ProjectCache();
  expect(projects.firstScope(manifest)).toBe("quick");
  const [file] = generate([manifest], { projects });
  expect(file?.content).toContain("export interface GreetFlow");
  expect(projects.firstScope(manifest)).toBe("complete");
  expect(projects.firstScope(path.join(FIXTURES, "one-workflow", "replay.ts"))).toBe("quick");
});
