import type { Logger } from "../api.js";

/** A Logger that keeps its lines instead of printing them: for tests that cause warnings and errors on purpose. */
export interface CollectedLogs extends Logger {
  /** Every line so far, as `level: message {fields}`. */
  readonly lines: readonly string[];
  /** The lines that contain `text`. */
  matching(text: string): string[];
}

/**
 * A Logger for workers and clients in tests: the warnings and errors a test provokes (a failing
 * activity, a run parked as stuck) are kept for its assertions instead of printed, so a line on
 * the terminal during the tests is one nobody expected.
 *
 * @example
 * const logs = collectLogs();
 * const worker = createWorker({ client, logger: logs, ... });
 * // ...
 * expect(logs.matching("parked as stuck")).toHaveLength(1);
 */
export function collectLogs(): CollectedLogs {
  const lines: string[] = [];
  const keep =
    (level: "info" | "warn" | "error") =>
    (message: string, fields?: Record<string, unknown>): void => {
      lines.push(fields === undefined ? `${level}: ${message}` : `${level}: ${message} ${JSON.stringify(fields)}`);
    };
  return {
    lines,
    matching: (text) => lines.filter((line) => line.includes(text)),
    info: keep("info"),
    warn: keep("warn"),
    error: keep("error"),
  };
}
