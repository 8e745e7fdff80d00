import { describe, expect, it } from "vitest";
import { TemplateError } from "../errors.js";
import { printView } from "./render.js";

describe("the templates", () => {
  it("refuse a view that lacks a field they print, with a TemplateError naming it", () => {
    expect(() => printView({ name: "order" }, "workflow/type")).toThrow(TemplateError);
    expect(() => printView({ name: "order" }, "workflow/type")).toThrow(/"description" not defined/);
  });

  it("refuse a helper given something other than a name", () => {
    expect(() => printView({ name: 42, description: "d", input: "I", outputToWrite: "O" }, "workflow/type")).toThrow(
      /helper "workflowType" got 42/,
    );
  });

  it("print one section from its view, laid out", () => {
    const view = { name: "order", description: "Ships it.", input: "OrderInput", outputToWrite: "OrderResult" };
    expect(printView(view, "workflow/type")).toBe(
      '/** Workflow "order": Ships it. */\nexport type OrderWorkflow = (flow: OrderFlow, input: OrderInput) => Promise<OrderResult>;\n',
    );
  });
});
