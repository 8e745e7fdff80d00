import { mkdir, writeFile } from "node:fs/promises";
import { cpus, freemem, loadavg, platform, release } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BenchArgs, SYSTEMS, WORKLOADS } from "./args.js";
import type { Sizes } from "./config.js";
import type { Results, Target } from "./results.js";
import type { Round, RoundStart } from "./rounds.js";
import { renderTable, renderTargets } from "./table.js";

export interface Report {
  readonly date: string;
  readonly args: BenchArgs;
  readonly sizes: Sizes;
  /** The median of the rounds (see rounds.ts), with the setup's details and the notes. */
  readonly results: Results;
  readonly rounds: readonly Round[];
  readonly targets: readonly Target[];
  readonly wallSeconds: number;
}

export function environment(): Record<string, string> {
  return {
    node: process.version,
    os: `${platform()} ${release()}`,
    cpu: `${cpus()[0]?.model ?? "?"} x ${cpus().length}`,
    "load average at start (1/5/15 min)": loadAverage(),
  };
}

/** Other work on the machine skews every figure; the report says how busy it was. */
export function loadAverage(): string {
  return loadavg()
    .map((load) => load.toFixed(1))
    .join(" / ");
}

export function roundStart(): RoundStart {
  return {
    at: new Date().toISOString(),
    loadAverage1m: loadavg()[0] ?? Number.NaN,
    freeMemoryMiB: Math.round(freemem() / 2 ** 20),
  };
}

function roundsLine(rounds: readonly Round[]): string {
  const starts = rounds.map(
    ({ round, start }) =>
      `${round}: load ${start.loadAverage1m.toFixed(2)}, ${(start.freeMemoryMiB / 1024).toFixed(1)} GiB free`,
  );
  const how = rounds.length > 1 ? `${rounds.length}, interleaved; every figure is the median, min–max beside it` : "1";
  return `- **rounds**: ${how}; at each round's start (1-min load average, free memory): ${starts.join("; ")}`;
}

function settingsLines(results: Results): string[] {
  const lines: string[] = [];
  for (const key of ["environment", "mariadb", "postgres"]) {
    const value = results.details[key];
    if (value && typeof value === "object") {
      const pairs = Object.entries(value).map(([k, v]) => `${k}=${String(v)}`);
      lines.push(`- **${key}**: ${pairs.join(", ")}`);
    }
  }
  return lines;
}

export function renderMarkdown(report: Report): string {
  const mode = report.args.quick ? " (quick: a smoke test, not a measurement)" : "";
  return [
    `# replaykit vs DBOS Transact, ${report.date}${mode}`,
    "",
    ...settingsLines(report.results),
    roundsLine(report.rounds),
    `- wall time: ${report.wallSeconds.toFixed(0)} s`,
    "",
    renderTable(report.results, report.rounds.length),
    "",
    `## Targets (replaykit${report.rounds.length > 1 ? `, from the median of ${report.rounds.length} rounds` : ""})`,
    "",
    renderTargets(report.targets),
    "",
    ...report.results.sections.flatMap((section) => [`## ${section.title}`, "", section.body, ""]),
    "## Method",
    "",
    ...report.results.notes.map((note) => `- ${note}`),
    "",
  ].join("\n");
}

const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "results");

/** `-W2+W3-dbos` for a partial run, so that it does not overwrite the day's full results. */
function selectionSuffix(args: BenchArgs): string {
  const only = args.only.size < WORKLOADS.length ? `-${[...args.only].join("+")}` : "";
  const systems = args.systems.size < SYSTEMS.length ? `-${[...args.systems].join("+")}` : "";
  return `${only}${systems}${args.trace ? "-traced" : ""}`;
}

/**
 * Writes results/<date>.{json,md} (results/<date>-<selection>.* for --only/--systems), or
 * results/quick-<date>.* (git-ignored) in quick mode.
 */
export async function writeReport(report: Report, markdown: string): Promise<string[]> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const name = `${report.args.quick ? "quick-" : ""}${report.date}${selectionSuffix(report.args)}`;
  const base = join(RESULTS_DIR, name);
  const json = {
    date: report.date,
    quick: report.args.quick,
    only: [...report.args.only],
    systems: [...report.args.systems],
    sizes: report.sizes,
    wallSeconds: report.wallSeconds,
    rows: report.results.rows,
    targets: report.targets,
    details: report.results.details,
    rounds: report.rounds.map(({ round, start, results }) => ({ round, start, details: results.details })),
    notes: report.results.notes,
    sections: report.results.sections,
  };
  await writeFile(`${base}.json`, `${JSON.stringify(json, null, 2)}\n`);
  await writeFile(`${base}.md`, markdown);
  return [`${base}.json`, `${base}.md`];
}
