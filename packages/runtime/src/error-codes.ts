/**
 * Every `code` a ReplayError carries, so that a program matching on codes (the CLI, an HTTP
 * layer mapping errors to statuses) is checked by the compiler. A code is stable: a new error
 * adds a code, a code is never renamed or reused for another failure.
 *
 * @example
 * if (error instanceof ReplayError && error.code === "RUN_NOT_FOUND") return 404;
 */
export type ReplayErrorCode =
  | InvalidArgumentCode
  | DatabaseCode
  | ClientCode
  | WorkflowFailureCode
  | EngineCode
  | PayloadCode
  | TestingCode;

/** Something the caller passed cannot be used, and nothing was written. */
type InvalidArgumentCode =
  | "INVALID_ARGUMENT"
  /** A bulk action (client.bulk) that cannot run: an unknown action, a missing option, a batch id used for another action. */
  | "INVALID_BULK"
  | "INVALID_CONNECTION"
  | "INVALID_CURSOR"
  | "INVALID_DATABASE_URL"
  | "INVALID_DURATION"
  | "INVALID_FILTER"
  | "INVALID_HISTORY"
  | "INVALID_LIMIT"
  | "INVALID_NAME"
  | "INVALID_PAYLOAD"
  | "INVALID_PAYLOAD_OPTIONS"
  | "INVALID_PREFIX"
  | "INVALID_PRIORITY"
  /** A request to the web inspector (`@replaykit/cli`) that it cannot serve. */
  | "INVALID_REQUEST"
  | "INVALID_SCHEDULE"
  | "INVALID_START"
  | "INVALID_STATUS"
  | "INVALID_STEP"
  | "INVALID_STREAM_OPTIONS"
  | "INVALID_TAGS"
  | "INVALID_TX"
  | "INVALID_WORKER_OPTIONS"
  /** A value failed the zod schema of a generated helper (`replay_gen.ts`). */
  | "SCHEMA_VALIDATION"
  | "TX_UNSUPPORTED";

/** The database: reaching it, its schema, and rows that are not as replaykit wrote them. */
type DatabaseCode =
  | "DATABASE_UNREACHABLE"
  | "DATABASE_ACCESS_DENIED"
  | "UNKNOWN_DATABASE"
  | "SCHEMA_NOT_MIGRATED"
  | "PACKET_TOO_LARGE"
  | "MIGRATION_LOCK_TIMEOUT"
  | "CORRUPT_PAYLOAD"
  | "SIGNAL_CONSUMED_TWICE";

/** What a client call refuses or reports about the run or schedule it names. */
type ClientCode =
  | "RUN_NOT_FOUND"
  | "RUN_ENDED"
  | "RUN_NOT_RESUMABLE"
  | "SCHEDULE_NOT_FOUND"
  | "RESULT_TIMEOUT"
  | "RUN_FAILED"
  | "UPDATE_REJECTED"
  | "UPDATE_FAILED"
  | "UPDATE_TIMEOUT"
  | "QUERY_TIMEOUT"
  | "UNKNOWN_QUERY"
  | "UNKNOWN_TOKEN"
  | "TOKEN_EXPIRED";

/** What workflow and activity code sees, or throws, inside a run. */
type WorkflowFailureCode =
  | "CANCELLED"
  | "NON_RETRYABLE"
  | "ACTIVITY_FAILED"
  | "ACTIVITY_TIMEOUT"
  | "CHILD_WORKFLOW_FAILED"
  | "CHILD_CYCLE"
  | "RUN_TIMEOUT"
  | "RUN_TERMINATED"
  | "COMPENSATION_FAILED"
  /** A write to a closed stream (StreamClosedError). */
  | "STREAM_CLOSED"
  /** A query handler or update validator tried to run a command or change the run. */
  | "READ_ONLY_CONTEXT"
  | "TOKEN_TIMEOUT";

/** A stored payload that this client cannot read: its key, its codec or its offloaded bytes are missing, or it was changed. */
type PayloadCode =
  | "PAYLOAD_KEY_MISSING"
  | "PAYLOAD_TAMPERED"
  | "PAYLOAD_CODEC_MISSING"
  | "PAYLOAD_MISSING"
  | "PAYLOAD_STORE_FAILED";

/** Why the engine parked a run, or could not serve it. */
type EngineCode = "NON_DETERMINISM" | "UNKNOWN_WORKFLOW" | "RUN_STALLED" | "WORKER_STOPPED" | "TELEMETRY_UNAVAILABLE";

/** Thrown by the test kit (`@replaykit/runtime/testing`) and by Flow mocks. */
type TestingCode =
  | "MARIADB_NOT_INSTALLED"
  | "MARIADB_START_FAILED"
  | "TEST_ENV_BUSY"
  | "FLOW_NOT_MOCKED"
  | "FLOW_RESTARTED";
