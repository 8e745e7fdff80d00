import type { RunKey } from "../history/index.js";
import type { CatchupPolicy, OverlapPolicy } from "../schedule/plan.js";

/** A schedule as the client stores it. */
export interface ScheduleSpec {
  readonly namespace: string;
  readonly id: string;
  readonly workflow: string;
  readonly cron: string;
  readonly timezone: string;
  readonly inputText: string;
  readonly overlap: OverlapPolicy;
  readonly catchup: CatchupPolicy;
}

/** A schedule as listSchedules returns it. */
export interface ScheduleInfo {
  readonly namespace: string;
  readonly id: string;
  readonly workflow: string;
  readonly cron: string;
  readonly timezone: string;
  readonly input: unknown;
  readonly overlap: OverlapPolicy;
  readonly catchup: CatchupPolicy;
  readonly paused: boolean;
  /** The next tick that will start a run (none while paused). */
  readonly nextTick?: Date;
  /** The last tick that started a run, and that run's id. */
  readonly lastTick?: Date;
  readonly lastRunId?: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** What firing due schedules started, and when the next tick of any schedule is. */
export interface FiredSchedules {
  readonly started: readonly RunKey[];
  readonly nextTick: number | undefined;
  /** Schedules whose due ticks could not start their runs, skipped to their next tick (see nextTickAfterFailure). */
  readonly failed?: readonly { readonly id: string; readonly error: unknown }[];
  /**
   * Due ticks that started no run because this store does not fire schedules (an in-memory store
   * made with `scheduleTicks: false`, as a test environment makes it unless asked): the worker
   * says so once per schedule.
   */
  readonly heldBack?: readonly { readonly id: string; readonly tick: number }[];
}
