import type { Clock, LocalBus, ScheduleOptions } from "../api.js";
import { ReplayError, ScheduleNotFoundError } from "../errors.js";
import { encodePayload, validateName } from "../json.js";
import { CronSchedule } from "../schedule/cron.js";
import { tickRunId } from "../schedule/plan.js";
import type { ScheduleInfo, Store } from "../store/types.js";
import { scheduleIdOf, scheduleSpecOf } from "./arguments.js";
import type { RunStarts } from "./starts.js";

/** How many run ids (one a millisecond from now) triggerSchedule tries before it gives up. */
const MAX_TRIGGER_TRIES = 1000;

/** What the schedule calls need of the client. */
export interface ScheduleDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly local: LocalBus;
  readonly maxPayloadBytes: number;
  readonly starts: RunStarts;
  /** Resolves once the store answered. */
  ready(): Promise<void>;
}

/** The client's schedule calls: create, list, pause, resume, delete and trigger. */
export class ScheduleCalls {
  readonly #deps: ScheduleDeps;

  constructor(deps: ScheduleDeps) {
    this.#deps = deps;
  }

  async create(namespace: string, schedule: ScheduleOptions): Promise<void> {
    const { store, clock, local } = this.#deps;
    const spec = scheduleSpecOf(validateName("namespace", namespace), schedule, this.#deps.maxPayloadBytes);
    const cron = new CronSchedule(spec.cron, spec.timezone);
    await this.#deps.ready();
    const now = clock.now();
    await store.saveSchedule(spec, cron.next(now), now);
    // Workers that idle until a later wake-up look again, so the first tick is on time.
    local.wake(spec.namespace);
  }

  list(namespace: string): Promise<ScheduleInfo[]> {
    return this.#deps.store.listSchedules(validateName("namespace", namespace));
  }

  async pause(namespace: string, id: string): Promise<void> {
    const known = await this.#existing(namespace, id);
    if (
      !(await this.#deps.store.setSchedulePaused(known.namespace, known.id, true, undefined, this.#deps.clock.now()))
    ) {
      throw new ScheduleNotFoundError(known.namespace, known.id);
    }
  }

  async resume(namespace: string, id: string): Promise<void> {
    const known = await this.#existing(namespace, id);
    const now = this.#deps.clock.now();
    const next = new CronSchedule(known.cron, known.timezone).next(now);
    if (!(await this.#deps.store.setSchedulePaused(known.namespace, known.id, false, next, now))) {
      throw new ScheduleNotFoundError(known.namespace, known.id);
    }
    this.#deps.local.wake(known.namespace);
  }

  delete(namespace: string, id: string): Promise<boolean> {
    return this.#deps.store.deleteSchedule(validateName("namespace", namespace), validateName("schedule id", id));
  }

  /**
   * Starts a run of the schedule now, with run id `<id>@<now>`; when a run has that id already
   * (a tick, or another trigger in the same millisecond), the next millisecond's, so each call
   * starts a run of its own. The run is recorded as the schedule's last, so overlap "skip" counts it.
   */
  async trigger(namespace: string, id: string): Promise<string> {
    const { store, clock, starts } = this.#deps;
    const known = await this.#existing(namespace, id);
    scheduleIdOf(known.id);
    // Ready before the clock is read: the run id is the time, and on MySQL ready() syncs the clock.
    await this.#deps.ready();
    const now = clock.now();
    const inputText = encodePayload("input", known.input, this.#deps.maxPayloadBytes);
    for (let at = now; at < now + MAX_TRIGGER_TRIES; at++) {
      const key = { namespace: known.namespace, workflow: known.workflow, runId: tickRunId(known.id, at) };
      if (!(await starts.start(key, undefined, () => ({ key, inputText, now, scheduledAt: now })))) continue;
      await store.recordScheduleRun(known.namespace, known.id, key.runId, now);
      return key.runId;
    }
    throw new ReplayError(
      "INVALID_SCHEDULE",
      `schedule ${known.id} was not triggered: runs exist for each of its run ids from ${tickRunId(known.id, now)} on; trigger it again`,
    );
  }

  async #existing(namespace: string, id: string): Promise<ScheduleInfo> {
    const found = await this.#deps.store.getSchedule(
      validateName("namespace", namespace),
      validateName("schedule id", id),
    );
    if (found === undefined) throw new ScheduleNotFoundError(namespace, id);
    return found;
  }
}
