export const WORKLOADS = [
  "floor",
  "W1",
  "W2",
  "W3",
  "W4",
  "W5",
  "WQ",
  "W6",
  "W7",
  "W8",
  "W9",
  "W10",
  "W11",
  "WG",
] as const;
export type WorkloadId = (typeof WORKLOADS)[number];
export const SYSTEMS = ["replaykit", "dbos"] as const;
export type SystemId = (typeof SYSTEMS)[number];

export interface BenchArgs {
  readonly quick: boolean;
  readonly only: ReadonlySet<WorkloadId>;
  readonly systems: ReadonlySet<SystemId>;
  /** An OpenTelemetry SDK is registered (see tracing.ts): what replaykit's spans cost. */
  readonly trace: boolean;
  /** The selected workloads run this many times, interleaved; each figure is the median. */
  readonly rounds: number;
}

export class UsageError extends Error {
  override readonly name = "UsageError";
}

const USAGE = `usage: npm run bench -- [--quick] [--only floor,W1,W2,W3,W4,W5,WQ,W6,W7,W8,W9,W10,W11,WG] [--systems replaykit,dbos] [--trace] [--rounds N]`;

function pick<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): Set<T> {
  if (!value) throw new UsageError(`${flag} needs a comma-separated list of ${allowed.join(",")}\n${USAGE}`);
  const chosen = new Set<T>();
  for (const raw of value.split(",")) {
    const match = allowed.find((a) => a.toLowerCase() === raw.trim().toLowerCase());
    if (!match) throw new UsageError(`unknown ${flag} value "${raw}": use one of ${allowed.join(",")}\n${USAGE}`);
    chosen.add(match);
  }
  return chosen;
}

function positiveInteger(value: string | undefined, flag: string): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < 1) {
    throw new UsageError(`${flag} needs a whole number of at least 1, got "${value ?? ""}"\n${USAGE}`);
  }
  return n;
}

export function parseArgs(argv: readonly string[]): BenchArgs {
  let quick = false;
  let only = new Set<WorkloadId>(WORKLOADS);
  let systems = new Set<SystemId>(SYSTEMS);
  let trace = false;
  let rounds = 1;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = (argv[i] ?? "").split("=", 2);
    const value = () => inline ?? argv[++i];
    if (flag === "--quick") quick = true;
    else if (flag === "--only") only = pick(value(), WORKLOADS, "--only");
    else if (flag === "--systems") systems = pick(value(), SYSTEMS, "--systems");
    else if (flag === "--trace") trace = true;
    else if (flag === "--rounds") rounds = positiveInteger(value(), "--rounds");
    else if (flag === "--help" || flag === "-h") throw new UsageError(USAGE);
    else throw new UsageError(`unknown option "${argv[i]}"\n${USAGE}`);
  }
  return { quick, only, systems, trace, rounds };
}
