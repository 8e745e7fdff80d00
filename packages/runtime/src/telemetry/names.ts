/**
 * The names the runtime reports under: spans, their attributes, metrics and their labels.
 * One home, so the README, the tests and the code say the same.
 */

/** The instrumentation scope of every tracer and meter of the runtime. */
export const SCOPE = "replaykit";

export const SpanName = {
  /** A client starting a run (runWorkflow, triggerSchedule). */
  Start: "replaykit.start",
  /** A client sending a signal (signalRun). */
  Signal: "replaykit.signal",
  /** One take-up of a run's iteration by a worker. */
  Workflow: "replaykit.workflow",
  /** One executed attempt of an activity. */
  Activity: "replaykit.activity",
} as const;

export const SpanAttr = {
  Namespace: "replaykit.namespace",
  Workflow: "replaykit.workflow",
  RunId: "replaykit.run_id",
  Iteration: "replaykit.iteration",
  Activity: "replaykit.activity",
  Seq: "replaykit.seq",
  Attempt: "replaykit.attempt",
  Signal: "replaykit.signal",
  /** How the workflow span ended: completed, failed, cancelled, stuck, restarted, or released. */
  End: "replaykit.end",
  /** The worker let go of the run before it ended (suspended and evicted, stopped, lease lost). */
  Released: "replaykit.released",
  /** Start: a new run was created (false: the run id existed). Signal: the signal was new. */
  Created: "replaykit.created",
} as const;

/** Span events of a workflow span. */
export const SpanEvent = { Suspended: "suspended", Resumed: "resumed" } as const;

export const MetricName = {
  RunsStarted: "replaykit.runs.started",
  RunsEnded: "replaykit.runs.ended",
  ActivityAttempts: "replaykit.activity.attempts",
  ActivityFailures: "replaykit.activity.failures",
  CacheHits: "replaykit.cache.hits",
  CacheMisses: "replaykit.cache.misses",
  LeasesTakenOver: "replaykit.leases.taken_over",
  QueueLimitWaits: "replaykit.queue.limit_waits",
  StepDuration: "replaykit.step.duration",
  ActivityDuration: "replaykit.activity.duration",
  ScheduleToStart: "replaykit.run.schedule_to_start",
  SignalToResume: "replaykit.signal.to_resume",
  CommitBatchSize: "replaykit.commit.batch_size",
  QueueDepth: "replaykit.queue.depth",
  RunsCurrent: "replaykit.runs.current",
} as const;

/** Metric attributes (Prometheus labels): short, as metric backends expect. */
export const MetricAttr = {
  Namespace: "namespace",
  Workflow: "workflow",
  Activity: "activity",
  Status: "status",
  Queue: "queue",
  State: "state",
} as const;
