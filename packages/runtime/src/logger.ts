import type { Logger } from "./types.js";

/** Warnings and errors to stderr as one line each; info only with REPLAY_LOG=info. */
export function defaultLogger(identity: string): Logger {
  const verbose = process.env.REPLAY_LOG === "info";
  const line = (level: string, message: string, fields?: Record<string, unknown>) =>
    `replaykit ${level} [${identity}] ${message}${fields ? ` ${safeJson(fields)}` : ""}\n`;
  return {
    info: (message, fields) => {
      if (verbose) process.stderr.write(line("info", message, fields));
    },
    warn: (message, fields) => process.stderr.write(line("warn", message, fields)),
    error: (message, fields) => process.stderr.write(line("error", message, fields)),
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
