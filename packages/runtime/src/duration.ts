import { ReplayError } from "./errors.js";

/*
 * A duration string is one or more parts, largest unit first, each unit at most once: "1d12h",
 * "2h30m", "1m30s". Each type below is the strings that start with its unit. Written out rather
 * than computed over a tuple of units: a tuple's length types would be created in every program
 * that loads this file, and change the order in which the compiler prints unions of numbers.
 */
type FromMs = `${number}ms`;
type FromS = `${number}s` | `${number}s${FromMs}`;
type FromM = `${number}m` | `${number}m${FromS | FromMs}`;
type FromH = `${number}h` | `${number}h${FromM | FromS | FromMs}`;
type FromD = `${number}d` | `${number}d${FromH | FromM | FromS | FromMs}`;

/**
 * A span of time: milliseconds as a number, or a string of one or more parts, largest unit
 * first, such as "250ms", "1.5s", "2m", "3h", "1d", "365d", "2h30m", "1d12h" or "1m30s".
 */
export type Duration = number | FromD | FromH | FromM | FromS | FromMs;

/** The parts of a duration string, as DurationParts spells them; each group is one unit's amount. */
const DURATION_STRING =
  /^(?:(\d+(?:\.\d+)?)d)?(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?(?:(\d+(?:\.\d+)?)ms)?$/;
/** Milliseconds per unit, in the order of DURATION_STRING's groups. */
const UNIT_MS = [86_400_000, 3_600_000, 60_000, 1000, 1] as const;

/** The longest duration accepted: 100 years, so every deadline is an exact integer of milliseconds. */
export const MAX_DURATION_MS = 100 * 365 * 86_400_000;

/** Converts a Duration to whole milliseconds. Throws on a negative, unreadable or over-long value. */
export function toMillis(duration: Duration): number {
  let ms: number;
  if (typeof duration === "number") {
    if (!Number.isFinite(duration) || duration < 0) throw invalid(duration);
    ms = Math.round(duration);
  } else {
    const parsed = typeof duration === "string" ? stringMillis(duration) : undefined;
    if (parsed === undefined) throw invalid(duration);
    ms = Math.round(parsed);
  }
  if (ms > MAX_DURATION_MS) throw invalid(duration, " of at most 100 years (36500d)");
  return ms;
}

/** The milliseconds a duration string names, or undefined when it is not one. */
function stringMillis(text: string): number | undefined {
  const match = DURATION_STRING.exec(text);
  if (!match || text === "") return undefined;
  let ms = 0;
  for (const [i, unitMs] of UNIT_MS.entries()) {
    const amount = match[i + 1];
    if (amount !== undefined) ms += Number(amount) * unitMs;
  }
  return ms;
}

function invalid(value: unknown, limit = ""): ReplayError {
  return new ReplayError(
    "INVALID_DURATION",
    `invalid duration ${JSON.stringify(value)}: use milliseconds as a non-negative number${limit}, or a string of ` +
      'one or more parts, largest unit first (d, h, m, s, ms), such as "500ms", "2s", "5m", "1h", "1d", "2h30m" or "1d12h"',
  );
}
