import type { Kill } from "../processes/checks.js";
import type { WorkerProcess } from "../processes/children.js";
import type { Execution } from "../processes/executions.js";

/** Engine warnings and errors of all workers, most frequent first, each with one full example line. */
export function formatLogCounts(workers: readonly WorkerProcess[]): string {
  const totals = new Map<string, number>();
  const samples = new Map<string, string>();
  for (const worker of workers) {
    for (const [message, count] of worker.logCounts) totals.set(message, (totals.get(message) ?? 0) + count);
    for (const [message, line] of worker.logSamples) if (!samples.has(message)) samples.set(message, line);
  }
  const lines = [...totals]
    .sort((a, b) => b[1] - a[1])
    .map(([message, count]) => `  ${count}× ${message}\n      e.g. ${samples.get(message)}`);
  return lines.join("\n") || "  (none)";
}

/** One line per unexplained duplicate: its executions and the kills of the workers involved. */
export function describeUnexplained(
  unexplained: readonly { key: string; executions: readonly Execution[] }[],
  kills: readonly Kill[],
): string[] {
  return unexplained.map(({ key, executions }) => {
    const involved = new Set(executions.map((execution) => execution.worker));
    const related = kills.filter((kill) => kill.worker === undefined || involved.has(kill.worker));
    return `unexplained ${key}: ${JSON.stringify(executions)} kills: ${JSON.stringify(related)}`;
  });
}
