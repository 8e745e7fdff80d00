import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { diagnosticsUnder, strictProject } from "./helpers.js";
import { HEADER, manifestCases } from "./manifest-problems.js";

const { problemsOf, expectProblem, generated, cleanup } = manifestCases("composition-validation");
afterAll(cleanup);

const act = 'act: activity(act, { description: "Acts." })';
const ns = (workflows: string, rest = "") =>
  `export default defineNamespace({ name: "n", workflows: { ${workflows} }, activities: { ${act} }${rest} });`;
const wf = (name: string, options = "") => `${name}: workflow<In, In>({ description: "d"${options} })`;

describe("children", () => {
  it("refuses a child that is no workflow of the namespace, naming the ones there are", () => {
    expectProblem(
      ns(`${wf("order", ', children: ["refnd"]')}, ${wf("refund")}`),
      '"refnd"',
      /workflow "order" lists child "refnd", which is not a workflow of this namespace: use one of "order", "refund"/,
    );
  });

  it("refuses a child listed twice", () => {
    const { errors } = problemsOf(ns(`${wf("order", ', children: ["refund", "refund"]')}, ${wf("refund")}`));
    expect(errors.map((error) => error.reason)).toEqual([
      'child workflow name "refund" is unusable: it is listed twice in the children of workflow "order"',
    ]);
    expectProblem(
      ns(`${wf("order", ', children: ["refund", "refund"]')}, ${wf("refund")}`),
      '"refund"]',
      /listed twice/,
    );
  });

  it("refuses children that are not string literals", () => {
    expectProblem(
      `const name = "refund";\n${ns(`${wf("order", ", children: [name]")}, ${wf("refund")}`)}`,
      "name]",
      /an entry of the children of workflow "order" cannot be read statically: write a string literal/,
    );
  });

  it("refuses an activity named like a member the child generates on the Flow", () => {
    expectProblem(
      `export default defineNamespace({ name: "n", workflows: { ${wf("order", ', children: ["refund"]')}, ${wf("refund")} }, activities: { startRefund: activity(act, { description: "d" }) } });`,
      '"refund"]',
      /child workflow name "refund" is unusable: it becomes startRefund in OrderFlow, which activity "startRefund" already uses/,
    );
  });

  it("refuses a child whose signal method is taken by an activity", () => {
    const refund = wf("refund", ', signals: { ok: signal<In>({ description: "d" }) }');
    expectProblem(
      `export default defineNamespace({ name: "n", workflows: { ${wf("order", ', children: ["refund"]')}, ${refund} }, activities: { signalRefundOk: activity(act, { description: "d" }) } });`,
      '"refund"]',
      /it becomes signalRefundOk in OrderFlow, which activity "signalRefundOk" already uses/,
    );
  });

  it("refuses a child whose run method is a built-in Flow member", () => {
    expectProblem(
      ns(`${wf("order", ', children: ["id"]')}, ${wf("id")}`),
      '"id"]',
      /it becomes runId in OrderFlow, which built-in flow member "runId" already uses/,
    );
  });
});

describe("activity timeouts", () => {
  it("refuses a heartbeatTimeout or scheduleToCloseTimeout that is no duration, at its value", () => {
    const activities = (options: string) =>
      `export default defineNamespace({ name: "n", workflows: { ${wf("w")} }, activities: { act: activity(act, { description: "d", ${options} }) } });`;
    expectProblem(activities('heartbeatTimeout: "soon"'), '"soon"', /heartbeatTimeout "soon" is not a duration/);
    expectProblem(activities("scheduleToCloseTimeout: -1"), "-1", /scheduleToCloseTimeout -1 is not a duration/);
    const fine = activities('timeout: "1m", heartbeatTimeout: "10s", scheduleToCloseTimeout: "1h"');
    expect(problemsOf(fine).errors).toEqual([]);
  });

  it("accepts compound durations, largest unit first, and names the accepted forms for any other", () => {
    const activities = (options: string) =>
      `export default defineNamespace({ name: "n", workflows: { ${wf("w")} }, activities: { act: activity(act, { description: "d", ${options} }) } });`;
    const fine = activities('timeout: "1m30s", scheduleToCloseTimeout: "1d12h", retry: { maxInterval: "2h30m" }');
    expect(problemsOf(fine).errors).toEqual([]);
    expectProblem(
      activities('timeout: "30s1m"'),
      '"30s1m"',
      /timeout "30s1m" is not a duration: .*largest unit first \(d, h, m, s, ms\), such as .*"2h30m" or "1d12h"/,
    );
  });
});

describe("tags", () => {
  const tagged = (tags: string) =>
    `import { tag } from "@replaykit/codegen";\n${ns(wf("order", `, tags: { ${tags} }`))}`;

  it("refuses a tag whose type is no string, number or boolean, at its type", () => {
    expectProblem(
      tagged("when: tag<Date>()"),
      "Date>",
      /tag "when" of workflow "order": its type is Date; a tag holds a string, a number or a boolean/,
    );
    expect(problemsOf(tagged('customer: tag<string>(), plan: tag<"free" | "pro">(), n: tag<number>()')).errors).toEqual(
      [],
    );
  });

  it("refuses an unknown option of a tag", () => {
    expectProblem(tagged('customer: tag({ descripton: "x" })'), "descripton", /descripton/);
  });
});

describe("queues", () => {
  const queues = (entries: string) => `, queues: { ${entries} }`;

  it("refuses a default queue the namespace does not declare", () => {
    expectProblem(
      ns(wf("send", ', queue: "mails"'), queues("mail: queue({ concurrency: 1 })")),
      '"mails"',
      /workflow "send" names queue "mails", which is not a queue of this namespace: use "mail"/,
    );
    expectProblem(ns(wf("send", ', queue: "mail"')), '"mail"', /the namespace declares no queue/);
  });

  it("refuses an activity queue the namespace does not declare, at its name", () => {
    const withQueue = (name: string) =>
      `export default defineNamespace({ name: "n", workflows: { ${wf("send")} }, activities: { act: activity(act, { description: "Acts.", queue: "${name}" }) }, queues: { email: queue({ concurrency: 2 }) } });`;
    expectProblem(
      withQueue("emial"),
      '"emial"',
      /activity "act" names queue "emial", which is not a queue of this namespace: use "email"/,
    );
    expect(problemsOf(withQueue("email")).errors).toEqual([]);
  });

  it("refuses limits the runtime would refuse, each at its value", () => {
    expectProblem(
      ns(wf("send"), queues("mail: queue({ concurrency: 0 })")),
      "0 }",
      /queue "mail": concurrency must be a whole number from 1 to 2147483647, got 0/,
    );
    expectProblem(
      ns(wf("send"), queues("mail: queue({ keyConcurrency: 1.5 })")),
      "1.5",
      /queue "mail": keyConcurrency must be a whole number from 1 to 2147483647, got 1.5/,
    );
    expectProblem(
      ns(wf("send"), queues("mail: queue({ concurrency: 3e9 })")),
      "3e9",
      /queue "mail": concurrency must be a whole number from 1 to 2147483647, got 3000000000/,
    );
    expectProblem(
      ns(wf("send"), queues('mail: queue({ rateLimit: { limit: 2000000, period: "1s" } })')),
      "{ limit: 2000000",
      /queue "mail": rateLimit.limit must be a whole number from 1 to 1000000, got 2000000/,
    );
    expectProblem(
      ns(wf("send"), queues('mail: queue({ rateLimit: { limit: 10, period: "0s" } })')),
      "{ limit: 10",
      /queue "mail": rateLimit.period must be longer than 0/,
    );
    expectProblem(
      ns(wf("send"), queues('mail: queue({ rateLimit: { limit: 10, period: "a minute" } })')),
      "{ limit: 10",
      /queue "mail": rateLimit.period "a minute" is not a duration/,
    );
    expectProblem(
      ns(wf("send"), queues("mail: queue({ rateLimit: { limit: 10 } })")),
      "{ limit: 10",
      /queue "mail": rateLimit must have exactly limit and period/,
    );
    expectProblem(
      ns(wf("send"), queues("mail: queue({ parallel: 3 })")),
      "parallel",
      /queue "mail": parallel is no queue option: use concurrency, keyConcurrency, rateLimit/,
    );
  });

  it("refuses a limit that is not a literal", () => {
    expectProblem(
      `const n = 3;\n${ns(wf("send"), queues("mail: queue({ concurrency: n })"))}`,
      "n })",
      /queue "mail": concurrency cannot be read statically/,
    );
  });

  it("accepts a queue without options, and with every option", () => {
    const all =
      'b: queue({ description: "d", concurrency: 2, keyConcurrency: 1, rateLimit: { limit: 5, period: 1000 } })';
    expect(problemsOf(ns(wf("send", ', queue: "a"'), queues(`a: queue(), ${all}`))).errors).toEqual([]);
  });
});

describe("schedules", () => {
  const schedules = (options: string) => `, schedules: { nightly: schedule({ ${options} }) }`;
  const daily = 'workflow: "send", cron: "0 3 * * *", input: { id: "x" }';

  it("refuses a schedule of a workflow the namespace does not declare", () => {
    expectProblem(
      ns(wf("send"), schedules('workflow: "sned", cron: "0 3 * * *", input: { id: "x" }')),
      '"sned"',
      /schedule "nightly" starts workflow "sned", which is not a workflow of this namespace: use "send"/,
    );
  });

  it("refuses a cron with the wrong number of fields, or one croner cannot read", () => {
    expectProblem(
      ns(wf("send"), schedules('workflow: "send", cron: "0 3 * *", input: { id: "x" }')),
      '"0 3 * *"',
      /the cron of schedule "nightly", "0 3 \* \*", has 4 fields: use 5 fields/,
    );
    expectProblem(
      ns(wf("send"), schedules('workflow: "send", cron: "0 25 * * *", input: { id: "x" }')),
      '"0 25 * * *"',
      /the cron of schedule "nightly", "0 25 \* \* \*", is not valid/,
    );
  });

  it("refuses an unknown time zone and unknown policies", () => {
    expectProblem(
      ns(wf("send"), schedules(`${daily}, timezone: "Europe/Berlim"`)),
      '"Europe/Berlim"',
      /the time zone of schedule "nightly", "Europe\/Berlim", is not an IANA time zone name/,
    );
    expectProblem(
      ns(wf("send"), schedules(`${daily}, overlap: "queue"`)),
      '"queue"',
      /the overlap of schedule "nightly" is "queue": use "skip" or "allow"/,
    );
    expectProblem(
      ns(wf("send"), schedules(`${daily}, catchup: "every"`)),
      '"every"',
      /the catchup of schedule "nightly" is "every": use "none" or "latest" or "all"/,
    );
  });

  it("refuses a schedule id whose tick run ids would be longer than a run id may be, at its key", () => {
    const id = "n".repeat(231);
    expectProblem(
      ns(wf("send"), `, schedules: { ${id}: schedule({ ${daily} }) }`),
      id,
      /the id of schedule "n{231}" is 231 bytes long: .* a run id may be 255 bytes: use an id of at most 230 bytes/,
    );
  });

  it("refuses a missing cron or input, and an input that is no JSON literal", () => {
    expectProblem(
      ns(wf("send"), schedules('workflow: "send", input: null')),
      "schedule({",
      /schedule "nightly" has no cron/,
    );
    expectProblem(ns(wf("send"), schedules('workflow: "send", cron: "0 3 * * *"')), "schedule({", /has no input/);
    expectProblem(
      `const id = "x";\n${ns(wf("send"), schedules('workflow: "send", cron: "0 3 * * *", input: { id }'))}`,
      "id }",
      /the shorthand property in the input of schedule "nightly" cannot be read statically/,
    );
    expectProblem(
      ns(wf("send"), schedules('workflow: "send", cron: "0 3 * * *", input: { id: String(1) }')),
      "String(1)",
      /the input of schedule "nightly".id cannot be read statically: write a JSON literal/,
    );
  });

  it("accepts 6 fields, a time zone, policies and any JSON input", () => {
    const options =
      'workflow: "send", cron: "*/10 * * * * *", timezone: "Asia/Kolkata", overlap: "allow", catchup: "all"';
    const input = 'input: { id: "x", list: [1, -2, null, true, { deep: ["a"] }] }';
    expect(problemsOf(ns(wf("send"), schedules(`${options}, ${input}`))).errors).toEqual([]);
  });

  it("leaves the input's type to the compiler: a wrong one fails to compile in the generated constant", () => {
    const source = `${HEADER}${ns(wf("send"), schedules('workflow: "send", cron: "0 3 * * *", input: { id: 5 }'))}`;
    const file = generated(source);
    expect(file.content).toContain("input: { id: 5 } satisfies In,");
    writeFileSync(file.outputPath, file.content);
    const project = strictProject();
    project.addSourceFilesAtPaths(path.join(path.dirname(file.outputPath), "*.ts"));
    expect(diagnosticsUnder(project, path.dirname(file.outputPath))).toEqual([
      expect.stringMatching(/^replay_gen\.ts:\d+: Type 'number' is not assignable to type 'string'/),
    ]);
  });
});
