import { ReplayError } from "./errors.js";

/** A span of time: milliseconds as a number, or a string such as "250ms", "1.5s", "2m", "3h", "1d", "365d". */
export type Duration = number | `${number}${"ms" | "s" | "m" | "h" | "d"}`;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The longest duration accepted: 100 years, so every deadline is an exact integer of milliseconds. */
export const MAX_DURATION_MS = 100 * 365 * 86_400_000;

/** Converts a Duration to whole milliseconds. Throws on a negative, unreadable or over-long value. */
export function toMillis(duration: Duration): number {
  let ms: number;
  if (typeof duration === "number") {
    if (!Number.isFinite(duration) || duration < 0) throw invalid(duration);
    ms = Math.round(duration);
  } else {
    const match = typeof duration === "string" ? /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(duration) : null;
    const unit = match?.[2];
    if (!match || unit === undefined) throw invalid(duration);
    ms = Math.round(Number(match[1]) * (UNIT_MS[unit] ?? 1));
  }
  if (ms > MAX_DURATION_MS) throw invalid(duration, " of at most 100 years (36500d)");
  return ms;
}

function invalid(value: unknown, limit = ""): ReplayError {
  return new ReplayError(
    "INVALID_DURATION",
    `invalid duration ${JSON.stringify(value)}: use milliseconds as a non-negative number${limit}, or a string like "500ms", "2s", "5m", "1h", "1d"`,
  );
}
