/**
 * Errors of the test kit (`@replaykit/runtime/testing`): a throwaway database that does not
 * start, a test environment whose runs do not settle, a history that cannot be replayed.
 */
import { ReplayError, UnknownWorkflowError } from "../errors.js";

/** No MariaDB server binary on this machine. */
export class MariaDbNotInstalledError extends ReplayError {
  override name = "MariaDbNotInstalledError";
  constructor(detail: string) {
    super(
      "MARIADB_NOT_INSTALLED",
      `cannot start a throwaway MariaDB: ${detail}. Install the Debian package: apt-get install -y mariadb-server (or set REPLAY_MYSQL_URL to an existing server).`,
    );
  }
}

/** A throwaway MariaDB did not start. */
export class MariaDbStartError extends ReplayError {
  override name = "MariaDbStartError";
  readonly serverLog: string;
  constructor(detail: string, serverLog: string) {
    super("MARIADB_START_FAILED", `${detail}. Server output:\n${serverLog.trim() || "(none)"}`);
    this.serverLog = serverLog;
  }
}

/** The test environment's runs still had work when `settleTimeoutMs` of real time had passed. */
export class TestEnvBusyError extends ReplayError {
  override name = "TestEnvBusyError";
  /** The runs (`namespace/workflow/runId`) that still had work. */
  readonly runs: readonly string[];
  readonly timeoutMs: number;
  constructor(runs: readonly string[], timeoutMs: number) {
    const shown = runs.slice(0, 5).join(", ") + (runs.length > 5 ? `, and ${runs.length - 5} more` : "");
    super(
      "TEST_ENV_BUSY",
      `runs still had work after ${timeoutMs} ms of real time: ${shown}. An activity may be waiting on something that never happens; raise settleTimeoutMs if it is only slow`,
    );
    this.runs = runs;
    this.timeoutMs = timeoutMs;
  }
}

/** replayHistory got a history of a workflow that is not in its `workflows`. */
export class HistoryWorkflowMissingError extends UnknownWorkflowError {
  override name = "HistoryWorkflowMissingError";
  readonly runId: string;
  /** The workflows replayHistory was given. */
  readonly given: readonly string[];
  constructor(history: { namespace: string; workflow: string; runId: string }, given: readonly string[]) {
    super(
      history.namespace,
      history.workflow,
      `the history of run ${history.runId} is of workflow ${JSON.stringify(history.workflow)}, which is not in \`workflows\` (${given.join(", ") || "none"}); pass its implementation`,
    );
    this.runId = history.runId;
    this.given = given;
  }
}

/** A recorded history that replayHistory cannot replay: it lacks the created event of its last iteration. */
export class InvalidHistoryError extends ReplayError {
  override name = "InvalidHistoryError";
  readonly runId: string;
  readonly iteration: number;
  constructor(runId: string, iteration: number) {
    super(
      "INVALID_HISTORY",
      `the history of run ${runId} has no created event for iteration ${iteration}; record it with client.getHistory`,
    );
    this.runId = runId;
    this.iteration = iteration;
  }
}

/**
 * replayHistory got something other than a history file: an events array without the run it
 * belongs to (what client.getHistory and `replaykit runs history --json` give), or an object
 * that lacks the file's fields.
 */
export class HistoryShapeError extends ReplayError {
  override name = "HistoryShapeError";
  /** What replayHistory was given, in words: "an array of 12 events", "an object with keys events, runId". */
  readonly got: string;
  constructor(got: string) {
    super(
      "INVALID_HISTORY",
      `replayHistory got ${got}; it takes a history file, { namespace, workflow, runId, events } (\`replaykit runs history <workflow> <runId> --fixture\` writes one), or the events of client.getHistory with their run as a third argument: replayHistory({ workflows }, events, { namespace, workflow, runId }). The run's identity seeds random() and uuid(), so replay needs it`,
    );
    this.got = got;
  }
}
