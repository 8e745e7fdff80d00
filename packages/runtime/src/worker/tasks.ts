/** A pending activity of a run, as the worker that holds the run tracks it. */
export interface TaskState {
  readonly target: string;
  readonly seq: number;
  /** Attempts made so far. */
  attempt: number;
  /** When the next attempt may start, ms since the epoch. */
  readyAt: number;
  /** Set while an attempt runs here (and until its completion is applied). */
  controller: AbortController | undefined;
  /** A row in the tasks table exists (written when a retry was scheduled, or by a heartbeat). */
  persisted: boolean;
  /** Details of the last heartbeat (JSON text), handed to the next attempt. */
  lastHeartbeat: string | null | undefined;
}

/** The map key of an activity of a run: its name and sequence. */
export function taskKey(target: string, seq: number): string {
  return `${target}\u0000${seq}`;
}

/** A task with no attempt made yet, due at `readyAt`. */
export function newTask(target: string, seq: number, readyAt: number): TaskState {
  return { target, seq, attempt: 0, readyAt, controller: undefined, persisted: false, lastHeartbeat: undefined };
}
