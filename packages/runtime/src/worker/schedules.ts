import type { Client, ScheduleOptions } from "../api.js";
import { scheduleSpecOf } from "../client/arguments.js";
import { wireText } from "../json.js";
import type { ScheduleInfo, ScheduleSpec } from "../store/types.js";

/**
 * Creates each schedule that is missing and updates each that differs (an update counts the next
 * tick from now). One that is the same is left alone, so restarting workers neither moves its next
 * tick nor loses the ticks it missed, and a paused one stays paused. Others are not touched.
 */
export async function applySchedules(
  client: Client,
  namespace: string,
  schedules: readonly ScheduleOptions[],
): Promise<void> {
  if (schedules.length === 0) return;
  const existing = new Map((await client.listSchedules(namespace)).map((info) => [info.id, info]));
  for (const schedule of schedules) {
    const current = existing.get(schedule.id);
    const wanted = scheduleSpecOf(namespace, schedule, client.maxPayloadBytes);
    if (current === undefined || !sameSchedule(current, wanted)) await client.createSchedule(namespace, schedule);
  }
}

/** What is wrong with the schedules of worker options, as createWorker reports it. */
export function scheduleProblems(
  namespace: string,
  schedules: readonly ScheduleOptions[],
  maxPayloadBytes: number,
): string[] {
  const problems: string[] = [];
  for (const [index, schedule] of schedules.entries()) {
    try {
      scheduleSpecOf(namespace, schedule, maxPayloadBytes);
    } catch (error) {
      problems.push(`schedules[${index}] (${JSON.stringify(schedule.id)}): ${(error as Error).message}`);
    }
  }
  return problems;
}

function sameSchedule(current: ScheduleInfo, wanted: ScheduleSpec): boolean {
  return (
    current.workflow === wanted.workflow &&
    current.cron === wanted.cron &&
    current.timezone === wanted.timezone &&
    current.overlap === wanted.overlap &&
    current.catchup === wanted.catchup &&
    // The stored input is the wire text of what was given; decoded and written again it is the same text.
    wireText(current.input) === wanted.inputText
  );
}
