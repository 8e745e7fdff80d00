import { afterAll, describe, expect, it } from "vitest";
import { HEADER, manifestCases } from "./manifest-problems.js";

const { problemsOf, expectProblem, generated, cleanup } = manifestCases("streams-validation");
afterAll(cleanup);

const IMPORT = 'import { stream } from "@replaykit/codegen";\n';
const manifest = (workflowStreams: string, activityStreams = "") =>
  `${IMPORT}export default defineNamespace({ name: "n", workflows: { order: workflow<In, In>({ description: "d"${workflowStreams} }) }, activities: { act: activity(act, { description: "Acts."${activityStreams} }) } });`;

describe("typed streams in the manifest", () => {
  it("reads streams on a workflow and on an activity into typed writers and a typed read helper", () => {
    const { content } = generated(
      HEADER +
        manifest(
          ', streams: { progress: stream<{ done: number }>({ description: "How far." }) }',
          ", streams: { answer: stream<string>() }",
        ),
    );
    expect(content).toContain("export type ActContext = TypedActivityContext<{\n  readonly answer: string;\n}>;");
    expect(content).toContain('writeStream<K extends "progress">(key: K, value: OrderStreams[K]): Promise<void>;');
    expect(content).toContain('closeStream(key: "progress"): Promise<void>;');
    expect(content).toContain("export interface OrderStreams {");
    expect(content).toContain("readonly progress: { done: number };");
    expect(content).toContain("export function readOrderStream<K extends keyof OrderStreams>(");
    expect(content).toContain('streams: ["progress"],');
  });

  it("generates no stream helper for a namespace without streams", () => {
    const { content } = generated(HEADER + manifest(""));
    expect(content).not.toMatch(/Stream<|readOrderStream|TypedActivityContext|writeStream/);
  });

  it("refuses a stream without a type argument, at the call", () => {
    expectProblem(
      manifest(", streams: { progress: stream() }"),
      "stream()",
      /the values of stream "progress" of workflow "order" has no type: pass a type argument, `stream<Chunk>\(\)`/,
    );
  });

  it("refuses a stream whose values cannot travel as JSON, at its type", () => {
    expectProblem(
      manifest(", streams: { ticks: stream<() => void>() }"),
      "() => void",
      /the values of stream "ticks" of workflow "order" cannot travel as JSON/,
    );
  });

  it("refuses a value that is no stream<T>() call, at the value", () => {
    expectProblem(
      manifest(', streams: { progress: signal<In>({ description: "d" }) }'),
      "signal<In>",
      /stream "progress" cannot be read statically: write `progress: stream\(\.\.\.\)` inline in the manifest/,
    );
  });

  it("refuses a key that is no usable name, at the key", () => {
    expectProblem(
      manifest(', streams: { "9lives": stream<string>() }'),
      '"9lives"',
      /stream name "9lives" is unusable: it becomes "9lives" in TypeScript, which is not an identifier/,
    );
  });

  it("refuses an unknown option of stream(), with the key it most likely meant", () => {
    expectProblem(
      manifest(', streams: { progress: stream<string>({ descripton: "d" }) }'),
      "descripton",
      /stream "progress" has no option "descripton": did you mean "description"\? \(it takes description\)/,
    );
  });

  it("refuses one key declared with two types by the workflow and an activity, at the activity's", () => {
    const source = manifest(", streams: { answer: stream<string>() }", ", streams: { answer: stream<number>() }");
    expect(problemsOf(source).errors.map((error) => error.reason)).toEqual([
      'stream "answer" of activity "act": its values are number, but workflow "order" declares the stream with string; a run\'s stream has one type: declare the same type, or give one of them another key',
    ]);
    expectProblem(source, "answer: stream<number>", /stream "answer" of activity "act": its values are number/);
  });

  it("takes one key declared with the same type by the workflow and an activity", () => {
    expect(
      problemsOf(manifest(", streams: { answer: stream<string>() }", ", streams: { answer: stream<string>() }")).errors,
    ).toEqual([]);
  });

  it("refuses an activity whose context type would take a name the runtime's file imports", () => {
    const source = `${IMPORT}export default defineNamespace({ name: "n", workflows: { order: workflow<In, In>({ description: "d" }) }, activities: { run: activity(act, { description: "Runs.", streams: { s: stream<string>() } }) } });`;
    expectProblem(
      source,
      "run:",
      /activity name "run" is unusable: it becomes RunContext in the generated file, which runtime import "RunContext" already uses; rename one of them/,
    );
  });
});
