import { InvalidOptionError } from "../errors.js";
import type { ActivityModel, StreamModel } from "../model/model.js";
import type { ProblemCollector } from "./collector.js";

/**
 * The streams a workflow's runs may carry, one per key: its own, and those of every activity of
 * the namespace (any of them may run in its runs). A key declared more than once must have one
 * type, since a reader gets the chunks of all its writers: each later declaration with another
 * type is reported where it is written. Workflow streams come first, so a mismatch is reported
 * at the activity.
 */
export function runStreams(
  own: readonly StreamModel[],
  activities: readonly ActivityModel[],
  problems: ProblemCollector,
): StreamModel[] {
  const byKey = new Map<string, StreamModel>();
  for (const stream of [...own, ...activities.flatMap((activity) => activity.streams)]) {
    const first = byKey.get(stream.name);
    if (first === undefined) {
      byKey.set(stream.name, stream);
      continue;
    }
    // An activity's mismatch with another shows in every workflow; the collector keeps it once.
    if (first.type.text === stream.type.text) continue;
    const what = `stream ${JSON.stringify(stream.name)} of ${stream.owner}`;
    const fix = `its values are ${stream.type.text}, but ${first.owner} declares the stream with ${first.type.text}; a run's stream has one type: declare the same type, or give one of them another key`;
    problems.add(new InvalidOptionError(stream.location, what, fix));
  }
  return [...byKey.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
