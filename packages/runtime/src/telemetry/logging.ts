import type { Logger } from "../api.js";
import type { RunKey } from "../history/index.js";
import { traceIdOfStored } from "./traceparent.js";

/** Something a log line can be written to: process.stderr, a file stream, a test's collector. */
export interface LogStream {
  write(line: string): unknown;
}

export interface JsonLoggerOptions {
  /** Written as `worker` on every line. */
  readonly identity?: string;
  /** Lowest level written; default "info" when REPLAY_LOG=info, else "warn". */
  readonly level?: "info" | "warn" | "error";
}

const LEVELS = { info: 0, warn: 1, error: 2 } as const;
type Level = keyof typeof LEVELS;

/**
 * A logger for log pipelines: one JSON object per line, `{"time","level","message",...fields}`,
 * fields at the top level (a worker's lines about a run carry `namespace`, `workflow`, `runId`
 * and `traceId`). `REPLAY_LOG_FORMAT=json` makes it the worker's default logger.
 *
 * @example
 * createWorker({ ..., logger: createJsonLogger(process.stdout) });
 */
export function createJsonLogger(stream: LogStream = process.stderr, options: JsonLoggerOptions = {}): Logger {
  const least = LEVELS[options.level ?? envLevel()];
  const write = (level: Level, message: string, fields?: Record<string, unknown>) => {
    if (LEVELS[level] < least) return;
    const head = { time: new Date().toISOString(), level, message };
    const line = { ...head, ...(options.identity === undefined ? {} : { worker: options.identity }), ...fields };
    stream.write(`${safeJson(line, head)}\n`);
  };
  return {
    info: (message, fields) => write("info", message, fields),
    warn: (message, fields) => write("warn", message, fields),
    error: (message, fields) => write("error", message, fields),
  };
}

/** Warnings and errors as one line of text each; info only with REPLAY_LOG=info. */
export function createTextLogger(identity: string, stream: LogStream = process.stderr): Logger {
  const least = LEVELS[envLevel()];
  const write = (level: Level, message: string, fields?: Record<string, unknown>) => {
    if (LEVELS[level] < least) return;
    stream.write(`replaykit ${level} [${identity}] ${message}${fields ? ` ${safeJson(fields, {})}` : ""}\n`);
  };
  return {
    info: (message, fields) => write("info", message, fields),
    warn: (message, fields) => write("warn", message, fields),
    error: (message, fields) => write("error", message, fields),
  };
}

/** The worker's logger when none is given: text on stderr, or JSON with REPLAY_LOG_FORMAT=json. */
export function defaultLogger(identity: string): Logger {
  return process.env.REPLAY_LOG_FORMAT === "json"
    ? createJsonLogger(process.stderr, { identity })
    : createTextLogger(identity, process.stderr);
}

/** A run as a log line names it: its key, and the trace it belongs to when it has one. */
export interface RunLogRef extends RunKey {
  readonly traceId?: string | undefined;
  /** The run's stored trace context (a claim has it), read for the trace id when `traceId` is not given. */
  readonly traceContext?: string | undefined;
}

/** The fields every log line about a run carries. */
export function runFields(run: RunLogRef): Record<string, unknown> {
  const fields: Record<string, unknown> = { namespace: run.namespace, workflow: run.workflow, runId: run.runId };
  const traceId = run.traceId ?? traceIdOfStored(run.traceContext);
  if (traceId !== undefined) fields.traceId = traceId;
  return fields;
}

function envLevel(): Level {
  return process.env.REPLAY_LOG === "info" ? "info" : "warn";
}

/** JSON of the fields; a field JSON cannot carry (a cycle, a BigInt) leaves only `fallback`, marked. */
function safeJson(value: unknown, fallback: Record<string, unknown>): string {
  try {
    return JSON.stringify(value);
  } catch {
    return JSON.stringify({ ...fallback, fields: "(not serialisable)" });
  }
}
