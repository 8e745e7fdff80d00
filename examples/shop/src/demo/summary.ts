import type { OrderResult } from "../types.js";

export interface Outcome {
  readonly orderId: string;
  readonly result: OrderResult | undefined;
  /** Placed -> result, in ms. */
  readonly totalMs: number;
  /** warehouse-ready answered -> result, in ms, for shipped orders. */
  readonly afterSignalMs: number | undefined;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const ms = (value: number) =>
  Number.isNaN(value) ? "-" : value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`;

/** The table printed at the end of the demo. */
export function summaryTable(outcomes: readonly Outcome[]): string {
  const count = (status: string) => outcomes.filter((outcome) => outcome.result?.status === status).length;
  const totals = outcomes.map((outcome) => outcome.totalMs);
  const afterSignal = outcomes.flatMap((outcome) =>
    outcome.afterSignalMs === undefined ? [] : [outcome.afterSignalMs],
  );
  const rows: [string, string][] = [
    ["orders", String(outcomes.length)],
    ["completed", String(outcomes.filter((outcome) => outcome.result !== undefined).length)],
    ["shipped", String(count("shipped"))],
    ["refunded (warehouse timed out)", String(count("refunded"))],
    ["declined (card)", String(count("declined"))],
    ["time per order, p50", ms(percentile(totals, 50))],
    ["time per order, p95", ms(percentile(totals, 95))],
    ["warehouse-ready -> shipped, p50", ms(percentile(afterSignal, 50))],
    ["warehouse-ready -> shipped, p95", ms(percentile(afterSignal, 95))],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const line = `+${"-".repeat(width + 2)}+${"-".repeat(12)}+`;
  const body = rows.map(([label, value]) => `| ${label.padEnd(width)} | ${value.padStart(10)} |`);
  return [line, ...body, line].join("\n");
}
