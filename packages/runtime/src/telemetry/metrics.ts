import type { Attributes, Counter, Histogram, Meter, MeterProvider } from "@opentelemetry/api";
import type { EndStatus } from "../history/index.js";
import { otel } from "./api.js";
import { MetricAttr, MetricName, SCOPE } from "./names.js";
import type { MeterProvider as AnyMeterProvider } from "./providers.js";
import { PeriodicReading } from "./reading.js";

/** Milliseconds: from a fast local step to a long retry wait. */
const MS_BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000, 300_000];
/** Steps per group commit; the commit queue writes at most 64. */
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64];
/** How often the queue depth gauge reads the database at most. */
const QUEUE_DEPTH_MAX_AGE_MS = 5000;

/** The meter of the runtime: from `provider`, else from the global provider as registered now. */
export function replaykitMeter(provider?: AnyMeterProvider): Meter | undefined {
  if (otel === undefined) return undefined;
  // The options declare the provider structurally (see providers.ts); it is an API one.
  return ((provider as MeterProvider | undefined) ?? otel.metrics.getMeterProvider()).getMeter(SCOPE);
}

function runsStarted(meter: Meter): Counter {
  return meter.createCounter(MetricName.RunsStarted, {
    description: "Runs created (by clients, as children, by schedules)",
  });
}

/** What a client counts: the runs it creates. Attribute objects are made once per workflow. */
export class ClientMetrics {
  readonly #started: Counter | undefined;
  readonly #attributes = new Map<string, Attributes>();

  constructor(meter: Meter | undefined) {
    this.#started = meter && runsStarted(meter);
  }

  runStarted(namespace: string, workflow: string): void {
    if (this.#started === undefined) return;
    const id = `${namespace}/${workflow}`;
    let attributes = this.#attributes.get(id);
    if (attributes === undefined) {
      attributes = { [MetricAttr.Namespace]: namespace, [MetricAttr.Workflow]: workflow };
      this.#attributes.set(id, attributes);
    }
    this.#started.add(1, attributes);
  }
}

interface Instruments {
  readonly runsStarted: Counter;
  readonly runsEnded: Counter;
  readonly attempts: Counter;
  readonly failures: Counter;
  readonly cacheHits: Counter;
  readonly cacheMisses: Counter;
  readonly takenOver: Counter;
  readonly limitWaits: Counter;
  readonly step: Histogram;
  readonly activity: Histogram;
  readonly scheduleToStart: Histogram;
  readonly signalToResume: Histogram;
  readonly batchSize: Histogram;
}

function instruments(meter: Meter): Instruments {
  const ms = (name: string, description: string) =>
    meter.createHistogram(name, { description, unit: "ms", advice: { explicitBucketBoundaries: MS_BUCKETS } });
  return {
    runsStarted: runsStarted(meter),
    runsEnded: meter.createCounter(MetricName.RunsEnded, { description: "Runs that ended, by end status" }),
    attempts: meter.createCounter(MetricName.ActivityAttempts, { description: "Activity attempts executed" }),
    failures: meter.createCounter(MetricName.ActivityFailures, { description: "Activity attempts that failed" }),
    cacheHits: meter.createCounter(MetricName.CacheHits, { description: "Runs taken up from the run cache" }),
    cacheMisses: meter.createCounter(MetricName.CacheMisses, { description: "Runs replayed from their history" }),
    takenOver: meter.createCounter(MetricName.LeasesTakenOver, {
      description: "Claims that took over a lease another worker let run out",
    }),
    limitWaits: meter.createCounter(MetricName.QueueLimitWaits, {
      description: "Queue claims that left due runs unclaimed because of the queue's limits",
    }),
    step: ms(MetricName.StepDuration, "From the start of a workflow step to its commit"),
    activity: ms(MetricName.ActivityDuration, "Execution time of an activity attempt"),
    scheduleToStart: ms(MetricName.ScheduleToStart, "From the time a run became due to a worker taking it up"),
    signalToResume: ms(MetricName.SignalToResume, "From a signal being stored to a committed step consuming it"),
    batchSize: meter.createHistogram(MetricName.CommitBatchSize, {
      description: "Steps written by one group commit",
      unit: "{step}",
      advice: { explicitBucketBoundaries: BATCH_BUCKETS },
    }),
  };
}

/**
 * What a worker counts and times. Every call is a no-op without a meter, and the attribute
 * objects are made once per workflow, activity or status, so a step allocates nothing here.
 */
export class WorkerMetrics {
  readonly #meter: Meter | undefined;
  readonly #i: Instruments | undefined;
  readonly #attributes = new Map<string, Attributes>();
  readonly #byKey = new Map<string, Map<string, Attributes>>();
  readonly #base: Attributes;

  constructor(namespace: string, meter: Meter | undefined) {
    this.#meter = meter;
    this.#i = meter && instruments(meter);
    this.#base = { [MetricAttr.Namespace]: namespace };
  }

  runStarted(workflow: string): void {
    this.#i?.runsStarted.add(1, this.#of(MetricAttr.Workflow, workflow));
  }

  runEnded(workflow: string, status: EndStatus): void {
    if (this.#i === undefined) return;
    const id = `ended/${workflow}/${status}`;
    let attributes = this.#attributes.get(id);
    if (attributes === undefined) {
      attributes = { ...this.#base, [MetricAttr.Workflow]: workflow, [MetricAttr.Status]: status };
      this.#attributes.set(id, attributes);
    }
    this.#i.runsEnded.add(1, attributes);
  }

  activityAttempt(activity: string, ms: number, failed: boolean): void {
    if (this.#i === undefined) return;
    const attributes = this.#of(MetricAttr.Activity, activity);
    this.#i.attempts.add(1, attributes);
    if (failed) this.#i.failures.add(1, attributes);
    this.#i.activity.record(ms, attributes);
  }

  cacheHit(): void {
    this.#i?.cacheHits.add(1, this.#base);
  }

  cacheMiss(): void {
    this.#i?.cacheMisses.add(1, this.#base);
  }

  leaseTakenOver(): void {
    this.#i?.takenOver.add(1, this.#base);
  }

  queueLimitWait(queue: string): void {
    this.#i?.limitWaits.add(1, this.#of(MetricAttr.Queue, queue));
  }

  stepDuration(workflow: string, ms: number): void {
    this.#i?.step.record(ms, this.#of(MetricAttr.Workflow, workflow));
  }

  scheduleToStart(workflow: string, ms: number): void {
    this.#i?.scheduleToStart.record(ms, this.#of(MetricAttr.Workflow, workflow));
  }

  signalToResume(workflow: string, ms: number): void {
    this.#i?.signalToResume.record(ms, this.#of(MetricAttr.Workflow, workflow));
  }

  commitBatch(steps: number): void {
    this.#i?.batchSize.record(steps, this.#base);
  }

  /**
   * Reports `replaykit.queue.depth` for `queues`: runs due in each that no worker holds, read
   * with `countQueued` at most every few seconds, when metrics are collected.
   */
  observeQueueDepth(queues: readonly string[], countQueued: (queue: string) => Promise<number>): void {
    if (this.#meter === undefined || queues.length === 0) return;
    const readings = queues.map((queue) => ({
      attributes: this.#of(MetricAttr.Queue, queue),
      reading: new PeriodicReading(() => countQueued(queue), QUEUE_DEPTH_MAX_AGE_MS),
    }));
    const gauge = this.#meter.createObservableGauge(MetricName.QueueDepth, {
      description: "Runs due in a queue that no worker holds yet",
      unit: "{run}",
    });
    gauge.addCallback(async (result) => {
      for (const { attributes, reading } of readings) {
        const depth = await reading.get();
        if (depth !== undefined) result.observe(depth, attributes);
      }
    });
  }

  /** `{ namespace, [key]: value }`, made once per key and value; a lookup allocates nothing. */
  #of(key: string, value: string): Attributes {
    let byValue = this.#byKey.get(key);
    if (byValue === undefined) {
      byValue = new Map();
      this.#byKey.set(key, byValue);
    }
    let attributes = byValue.get(value);
    if (attributes === undefined) {
      attributes = { ...this.#base, [key]: value };
      byValue.set(value, attributes);
    }
    return attributes;
  }
}
