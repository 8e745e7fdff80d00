/** Run statuses. `stuck` = parked by the engine with an error (e.g. non-determinism); a fix and resumeRun revive it. */
export const RunStatus = {
  Running: "running",
  Completed: "completed",
  Failed: "failed",
  Cancelled: "cancelled",
  Stuck: "stuck",
  /** Ended by an operator (terminateRun), whatever it was doing. */
  Terminated: "terminated",
} as const;
export type RunStatus = (typeof RunStatus)[keyof typeof RunStatus];

const RUN_STATUSES: ReadonlySet<string> = new Set(Object.values(RunStatus));

export function isRunStatus(value: string): value is RunStatus {
  return RUN_STATUSES.has(value);
}

/** Statuses of a run that no worker will advance any more. */
export type EndStatus = Exclude<RunStatus, "running">;

/** True for a run that ended for good: completed, failed, cancelled or terminated (a stuck run may be resumed). */
export function isEnded(status: string): boolean {
  return (
    status === RunStatus.Completed ||
    status === RunStatus.Failed ||
    status === RunStatus.Cancelled ||
    status === RunStatus.Terminated
  );
}
