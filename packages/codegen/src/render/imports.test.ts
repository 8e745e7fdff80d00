import { describe, expect, it } from "vitest";
import { biomeFormat } from "../../test/helpers.js";
import type { ImportRef } from "../model/model.js";
import { compareNames, importViews } from "./imports.js";
import { LINE_WIDTH } from "./layout/print.js";
import { printView } from "./render.js";

/** The import statements of `imports`, as the file's header template prints them. */
function importStatements(imports: readonly ImportRef[]): string[] {
  const header = printView(
    { manifestName: "replay.ts", command: "npx replaygen replay.ts", imports: importViews(imports) },
    "file/header",
  );
  return header
    .trimEnd()
    .split(/\n(?=import )/)
    .slice(1);
}

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

/** One import of two names from `from` whose one-line form is `length` characters long. */
function importOfLength(length: number, typeOnly: boolean, from: string): ImportRef[] {
  const fixed = `import ${typeOnly ? "type " : ""}{ Customer, } from "${from}";`.length + 1;
  const filler = `Order${"X".repeat(length - fixed - "Order".length)}`;
  return ["Customer", filler].map((name) => ({ from, name, local: name, typeOnly }));
}

describe("import statements", () => {
  const lengths = Array.from({ length: 11 }, (_, index) => LINE_WIDTH - 5 + index);
  const statements = lengths.flatMap((length) => [
    ...importStatements(importOfLength(length, true, `./types${length}.js`)),
    ...importStatements(importOfLength(length, false, `./values${length}.js`)),
  ]);

  it("keep spaces inside the braces on one line, and break before they would pass the line width", () => {
    for (const statement of statements) {
      const [first = ""] = statement.split("\n");
      if (statement.includes("\n")) expect(first).toMatch(/^import (type )?\{$/);
      else expect(statement).toMatch(/^import (type )?\{ \S.* \} from "[^"]+";$/);
      expect(first.length).toBeLessThanOrEqual(LINE_WIDTH);
    }
    expect(statements.filter((statement) => statement.includes("\n")).length).toBe(10);
  });

  it("are left unchanged by biome format at every length around the line width", () => {
    const text = `${statements.join("\n")}\n`;
    const formatted = biomeFormat(text, "examples/check/replay_gen.ts");
    expect(formatted.status).toBe(0);
    expect(formatted.output).toBe(text);
  });
});
