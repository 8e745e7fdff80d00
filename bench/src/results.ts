import type { SystemId } from "./args.js";

export type Better = "lower" | "higher";

/** One line of the table: a metric measured on one or both systems. */
export interface Row {
  readonly workload: string;
  readonly metric: string;
  readonly unit: string;
  readonly better: Better;
  /** The figure; with several rounds, the median over them. */
  replaykit?: number;
  dbos?: number;
  /** Every round's value, in round order (undefined where a round did not measure it). */
  perRound?: Partial<Record<SystemId, readonly (number | undefined)[]>>;
}

export interface Target {
  readonly id: string;
  readonly goal: string;
  /** What was measured, formatted; "not measured" when the workload was skipped. */
  readonly observed: string;
  /** undefined when not measured. */
  readonly met: boolean | undefined;
  /** A figure the issue asks for without a pass mark (e.g. W7's scale-out). */
  readonly reported?: boolean;
}

/** Rows in the order they were first written; a row is shared by both systems. */
export class Results {
  readonly rows: Row[] = [];
  /** Raw figures that do not fit the table (counter deltas, settings), kept in the JSON. */
  readonly details: Record<string, unknown> = {};
  readonly notes: string[] = [];
  /** Extra markdown sections (title, body) printed after the targets, e.g. W6's query plans. */
  readonly sections: { title: string; body: string }[] = [];

  set(system: SystemId, key: { workload: string; metric: string; unit: string; better: Better }, value: number): void {
    let row = this.rows.find((r) => r.workload === key.workload && r.metric === key.metric);
    if (!row) {
      row = { ...key };
      this.rows.push(row);
    }
    row[system] = value;
  }

  get(workload: string, metric: string): Row | undefined {
    return this.rows.find((r) => r.workload === workload && r.metric === metric);
  }

  detail(key: string, value: unknown): void {
    this.details[key] = value;
  }
}
