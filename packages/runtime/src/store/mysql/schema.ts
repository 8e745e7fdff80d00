import { FRESH_VERSION } from "../claimed-run.js";

/**
 * The tables, as versioned migrations. Never edit a released migration: add a new one.
 *
 * Conventions shared by the client and the engine:
 * - Names (namespace, workflow, run_id, target, signal, external_id) are VARBINARY(255):
 *   stored verbatim, compared byte for byte, and small enough for composite keys.
 * - Times are BIGINT milliseconds since the epoch, taken from the client's clock
 *   (by default the database clock), so no session time zone can shift them.
 * - Payloads are JSON text in LONGTEXT, written by replaykit's own serialiser (a client's codecs
 *   make it an encoded node; see payload/encoded.ts), and large ones in the payloads table.
 * - Every per-run access path leads with (namespace, workflow, run_id), so the tables can
 *   be sharded by run; the lease heartbeat names its runs by key. The exceptions are scans
 *   across the runs of a namespace, each behind an index that leads with namespace: due runs
 *   (runs_default_wake; runs_queue_next, runs_queue_wake and runs_queue_lease for queues), listing and purging (runs_status, runs_created, runs_status_created) and the
 *   event stream (events_stream, by global id);
 *   and releasing every lease of a stopping worker (runs_lease_owner). Tag queries go through
 *   run_tags (namespace, tag key, value, creation time), bulk actions through their batch's
 *   items, and an activity queue's slots through queue_slots_queue (namespace, queue). Tokens
 *   are found by their id alone (completeToken names nothing else); the id is random, so a
 *   sharded store may route by a hash of it. Published events and their waits are found by
 *   (namespace, event name, key), the triggers' windows by (namespace, workflow, key). Streams
 *   are per run.
 * - Event types and run statuses are the vocabulary of `history/`.
 */

/** One step of a migration: a DDL statement safe to re-run, or a check-then-change. */
export type MigrationStep = string | ((conn: SchemaConnection, prefix: string) => Promise<void>);

/** What a migration step may do on the migrating connection. */
export interface SchemaConnection {
  query(sql: string, values?: unknown[]): Promise<unknown>;
  /** True when `table` (with prefix) has `column` in the current database. */
  hasColumn(table: string, column: string): Promise<boolean>;
  /** True when `table` (with prefix) has an index named `index`. */
  hasIndex(table: string, index: string): Promise<boolean>;
  /** True when `column` of `table` (with prefix) is a virtual generated column. */
  isVirtual(table: string, column: string): Promise<boolean>;
}

export interface Migration {
  readonly version: number;
  readonly name: string;
  /**
   * DDL commits implicitly in MySQL, so a crash can leave a migration half applied: each step
   * must be safe to run again (CREATE TABLE IF NOT EXISTS; functions check before they change).
   */
  readonly statements: (prefix: string) => readonly MigrationStep[];
}

const NAME = "VARBINARY(255) NOT NULL";

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "runs, events, tasks, signals, cursors",
    statements: (p) => [
      // One row a run. The run row is the fence: every engine commit bumps `version`
      // under the lease; `wake_gen` is bumped by anything that wakes the run from outside
      // (signal, cancel) so a commit that raced with it keeps the run awake.
      `CREATE TABLE IF NOT EXISTS ${p}runs (
        namespace ${NAME},
        workflow ${NAME},
        run_id ${NAME},
        iteration INT NOT NULL DEFAULT 0,
        status VARCHAR(16) NOT NULL,
        shard INT NOT NULL,
        version BIGINT NOT NULL DEFAULT 0,
        next_pos INT NOT NULL DEFAULT 1,
        wake_at BIGINT NULL,
        wake_gen BIGINT NOT NULL DEFAULT 0,
        lease_owner VARBINARY(255) NULL,
        lease_until BIGINT NULL,
        cancel_requested TINYINT NOT NULL DEFAULT 0,
        input LONGTEXT NULL,
        result LONGTEXT NULL,
        error LONGTEXT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (namespace, workflow, run_id),
        KEY ${p}runs_wake (namespace, wake_at),
        KEY ${p}runs_status (namespace, workflow, status, created_at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
      // The event log: the source of truth. `id` orders the stream (commit order, with
      // gaps waited for by readers); `pos` orders one iteration's replay history and is
      // NULL for events that replay does not read (e.g. cancel_requested).
      `CREATE TABLE IF NOT EXISTS ${p}events (
        id BIGINT NOT NULL AUTO_INCREMENT,
        namespace ${NAME},
        workflow ${NAME},
        run_id ${NAME},
        iteration INT NOT NULL,
        pos INT NULL,
        type VARCHAR(32) NOT NULL,
        target VARBINARY(255) NOT NULL DEFAULT '',
        seq INT NOT NULL DEFAULT 0,
        payload LONGTEXT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (id),
        UNIQUE KEY ${p}events_key (namespace, workflow, run_id, iteration, type, target, seq),
        KEY ${p}events_replay (namespace, workflow, run_id, iteration, pos),
        KEY ${p}events_stream (namespace, id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
      // Activity retries of a run: a row is written when an attempt fails and the next must
      // wait (attempt, ready_at, last_error), and deleted with the activity_response event. A
      // request with neither a response nor a row is due now. Executed by the lease holder.
      `CREATE TABLE IF NOT EXISTS ${p}tasks (
        namespace ${NAME},
        workflow ${NAME},
        run_id ${NAME},
        iteration INT NOT NULL,
        target ${NAME},
        seq INT NOT NULL,
        attempt INT NOT NULL DEFAULT 0,
        ready_at BIGINT NOT NULL,
        input LONGTEXT NULL,
        last_error LONGTEXT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (namespace, workflow, run_id, iteration, target, seq)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
      // Signals: an inbox per run, kept even before the run exists. Consumed in `id` order.
      `CREATE TABLE IF NOT EXISTS ${p}signals (
        id BIGINT NOT NULL AUTO_INCREMENT,
        namespace ${NAME},
        workflow ${NAME},
        run_id ${NAME},
        signal_name ${NAME},
        external_id ${NAME},
        payload LONGTEXT NULL,
        created_at BIGINT NOT NULL,
        consumed_iteration INT NULL,
        consumed_seq INT NULL,
        PRIMARY KEY (id),
        UNIQUE KEY ${p}signals_key (namespace, workflow, run_id, signal_name, external_id),
        KEY ${p}signals_inbox (namespace, workflow, run_id, consumed_iteration, signal_name, id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
      // Named stream consumers and the last event id each has handled.
      `CREATE TABLE IF NOT EXISTS ${p}cursors (
        namespace ${NAME},
        consumer ${NAME},
        last_id BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (namespace, consumer)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
    ],
  },
  {
    version: 2,
    name: "drop the never-written tasks.input",
    statements: (p) => [
      async (conn) => {
        if (await conn.hasColumn("tasks", "input")) await conn.query(`ALTER TABLE ${p}tasks DROP COLUMN input`);
      },
    ],
  },
  {
    version: 3,
    name: "code versions and random seeds of runs",
    statements: (p) => [
      // The code version a run is pinned to (worker `version`), and the seed of its
      // ctx.random() when not its own (a fork keeps its source's). NULL: none.
      async (conn) => {
        if (!(await conn.hasColumn("runs", "code_version"))) {
          await conn.query(`ALTER TABLE ${p}runs ADD COLUMN code_version VARBINARY(255) NULL`);
        }
      },
      async (conn) => {
        if (!(await conn.hasColumn("runs", "seed")))
          await conn.query(`ALTER TABLE ${p}runs ADD COLUMN seed VARBINARY(800) NULL`);
      },
    ],
  },
  {
    version: 4,
    name: "child runs, run timeouts, activity heartbeats",
    statements: (p) => [
      // The run that started this one (same namespace), and whether it waits for the ending,
      // which is then written into its inbox as signal "/child" with external id "wf/runId".
      addColumn(p, "runs", "parent_workflow", "VARBINARY(255) NULL"),
      addColumn(p, "runs", "parent_run_id", "VARBINARY(255) NULL"),
      addColumn(p, "runs", "parent_waits", "TINYINT NOT NULL DEFAULT 0"),
      // runWorkflow's `timeout`: the run fails with RunTimeoutError at this time.
      addColumn(p, "runs", "deadline", "BIGINT NULL"),
      // The last heartbeat of an activity attempt, for the next attempt (ctx.lastHeartbeat).
      addColumn(p, "tasks", "heartbeat", "LONGTEXT NULL"),
      // A child's ending carries "workflow/runId" as its external id: up to 511 bytes.
      async (conn) => {
        await conn.query(`ALTER TABLE ${p}signals MODIFY external_id VARBINARY(600) NOT NULL`);
      },
    ],
  },
  {
    version: 5,
    name: "queues: priority, concurrency keys, limits",
    statements: (p) => [
      addColumn(p, "runs", "queue", "VARBINARY(255) NULL"),
      addColumn(p, "runs", "priority", "INT NOT NULL DEFAULT 0"),
      addColumn(p, "runs", "concurrency_key", "VARBINARY(255) NULL"),
      // The wake time and lease of queued runs only (NULL for the default queue), so the
      // indexes below do not change when a default-queue run's wake time or lease does.
      // Stored, not virtual: see migration 11.
      addColumn(p, "runs", "q_wake", Q_WAKE),
      addColumn(p, "runs", "q_lease", Q_LEASE),
      addIndex(p, "runs", "runs_queue_due", "namespace, queue, priority, q_wake"),
      addIndex(p, "runs", "runs_queue_lease", "namespace, queue, q_lease"),
      // One row a queue: its limits (written by the workers that serve it), the start times of
      // its sliding rate window, and the lock that serialises claims of the queue.
      `CREATE TABLE IF NOT EXISTS ${p}queues (
        namespace ${NAME},
        name ${NAME},
        concurrency INT NULL,
        key_concurrency INT NULL,
        rate_limit INT NULL,
        rate_period_ms BIGINT NULL,
        recent_starts MEDIUMTEXT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (namespace, name)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
    ],
  },
  {
    version: 6,
    name: "schedules",
    statements: (p) => [
      // The tick of the schedule that started a run (ctx.scheduledAt).
      addColumn(p, "runs", "scheduled_at", "BIGINT NULL"),
      // One row a schedule. `next_tick` is the first tick not handled yet; workers fire due
      // rows under FOR UPDATE SKIP LOCKED, so each tick is handled by one of them, and the
      // run id "<id>@<tick>" makes a second start of a tick a no-op anyway.
      `CREATE TABLE IF NOT EXISTS ${p}schedules (
        namespace ${NAME},
        id ${NAME},
        workflow ${NAME},
        cron VARCHAR(255) NOT NULL,
        timezone VARCHAR(64) NOT NULL,
        input LONGTEXT NULL,
        overlap VARCHAR(8) NOT NULL,
        catchup VARCHAR(8) NOT NULL,
        paused TINYINT NOT NULL DEFAULT 0,
        next_tick BIGINT NULL,
        last_tick BIGINT NULL,
        last_run_id VARBINARY(255) NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (namespace, id),
        KEY ${p}schedules_due (namespace, paused, next_tick)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
    ],
  },
  {
    version: 7,
    name: "runs claimed only by workers that can run them; stalled claims counted",
    statements: (p) => [
      // An activity the run waits for that its last worker lacked: only workers that have it claim the run.
      addColumn(p, "runs", "wanted_activity", "VARBINARY(255) NULL"),
      // Workers in a row that froze or died while running the run's code (see MAX_STALLS), and
      // the mark a worker that took the run over sets before it runs that code.
      addColumn(p, "runs", "stalls", "INT NOT NULL DEFAULT 0"),
      addColumn(p, "runs", "stall_mark", "TINYINT NOT NULL DEFAULT 0"),
    ],
  },
  {
    version: 8,
    name: "indexes for listing and purging runs",
    statements: (p) => [
      // Listing a namespace by creation time (either direction), and purging: an ended run was
      // created before it ended, so created_at bounds the scan; created_at never changes, so
      // these cost a write only when a run is created or changes status.
      addIndex(p, "runs", "runs_created", "namespace, created_at"),
      addIndex(p, "runs", "runs_status_created", "namespace, status, created_at"),
    ],
  },
  {
    version: 9,
    name: "trace context of runs",
    statements: (p) => [
      // The OpenTelemetry context of the caller that started the run (W3C traceparent and
      // tracestate, as JSON; see telemetry/trace-context.ts), so the spans of every worker
      // that runs it join the caller's trace. NULL: no trace was active.
      addColumn(p, "runs", "trace_context", "VARCHAR(512) NULL"),
    ],
  },
  {
    version: 10,
    name: "index the runs by lease holder",
    statements: (p) => [
      // Releasing every lease of a stopping worker (leases.ts releaseAll) filtered on
      // lease_owner with no index: a scan of the namespace's runs, ended ones included (1M
      // rows: seconds, at every stop). lease_owner changes only when a run is claimed or
      // released, never at a step or a lease renewal, so this costs nothing per step.
      addIndex(p, "runs", "runs_lease_owner", "namespace, lease_owner"),
    ],
  },
  {
    version: 11,
    name: "queue columns stored, not virtual",
    statements: (p) => [
      // Migration 5 made q_wake and q_lease VIRTUAL. An index on a virtual column makes InnoDB
      // compute the column to undo or purge a row, which needs the table opened by the server;
      // a Galera node restarted after a crash first runs `mariadbd --wsrep-recover`
      // (galera_recovery does too), and there that retries opening the table forever, growing
      // by some 150 MB a second (seen in test/galera/chaos.test.ts). Stored columns are in
      // the row itself. MySQL 8 cannot turn a virtual column into a stored one: drop and add
      // again, with the two indexes on them, in one ALTER (one rebuild of the table).
      async (conn) => {
        const virtual = [(await conn.isVirtual("runs", "q_wake")) ? "q_wake" : undefined];
        virtual.push((await conn.isVirtual("runs", "q_lease")) ? "q_lease" : undefined);
        if (!virtual.some(Boolean)) return;
        const indexes = [
          { name: `${p}runs_queue_due`, columns: "namespace, queue, priority, q_wake" },
          { name: `${p}runs_queue_lease`, columns: "namespace, queue, q_lease" },
        ];
        const present = [];
        for (const index of indexes) if (await conn.hasIndex("runs", index.name)) present.push(index);
        const changes = [
          ...present.map((index) => `DROP INDEX ${index.name}`),
          ...(virtual[0] ? ["DROP COLUMN q_wake", `ADD COLUMN q_wake ${Q_WAKE}`] : []),
          ...(virtual[1] ? ["DROP COLUMN q_lease", `ADD COLUMN q_lease ${Q_LEASE}`] : []),
          ...indexes.map((index) => `ADD INDEX ${index.name} (${index.columns})`),
        ];
        await conn.query(`ALTER TABLE ${p}runs ${changes.join(", ")}`);
      },
    ],
  },
  {
    version: 12,
    name: "offloaded payloads",
    statements: (p) => [
      // The bytes of payloads larger than the client's offloadAbove (tablePayloadStore), by the
      // run that wrote them and their SHA-256 (`id`), in chunks of at most 1 MiB so that no
      // statement nears max_allowed_packet. Written before the step that references them
      // commits; purgeRuns deletes a run's rows, referenced or orphaned, with the run.
      `CREATE TABLE IF NOT EXISTS ${p}payloads (
        namespace ${NAME},
        workflow ${NAME},
        run_id ${NAME},
        id VARBINARY(64) NOT NULL,
        chunk INT NOT NULL,
        data LONGBLOB NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (namespace, workflow, run_id, id, chunk)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
    ],
  },
  {
    version: 13,
    name: "update and query requests",
    statements: (p) => [
      // Bumped (with wake_gen) by every update or query request stored for the run: a worker
      // that holds or caches the run reads its requests only when it moved (see rules/requests.ts).
      addColumn(p, "runs", "request_gen", "BIGINT NOT NULL DEFAULT 0"),
      // Updates and queries sent to a run and their outcome, one row a (run, request id): an
      // update's id makes it apply once. `id` orders arrival. Status: requested, accepted,
      // rejected, completed, failed, ended (store/request-records.ts). A row is written by the
      // client that stores the request and by the steps of the run that take it up, answer it,
      // or end the run (settling what is still open); a query's caller deletes its row.
      `CREATE TABLE IF NOT EXISTS ${p}requests (
        id BIGINT NOT NULL AUTO_INCREMENT,
        namespace ${NAME},
        workflow ${NAME},
        run_id ${NAME},
        request_id ${NAME},
        kind VARCHAR(8) NOT NULL,
        name ${NAME},
        input LONGTEXT NULL,
        status VARCHAR(16) NOT NULL,
        result LONGTEXT NULL,
        error LONGTEXT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (id),
        UNIQUE KEY ${p}requests_key (namespace, workflow, run_id, request_id),
        KEY ${p}requests_open (namespace, workflow, run_id, status, id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
    ],
  },
  {
    version: 14,
    name: "completion tokens, published events, event waits, debounce windows, singleton runs",
    statements: (p) => [
      // A token a run created (ctx.createToken): waiting until a client completes or fails it,
      // or the step that delivers its timeout expires it (store/rules/tokens.ts).
      `CREATE TABLE IF NOT EXISTS ${p}tokens (
        token_id VARBINARY(64) NOT NULL,
        namespace ${NAME},
        workflow ${NAME},
        run_id ${NAME},
        iteration INT NOT NULL,
        name VARBINARY(255) NULL,
        seq INT NOT NULL,
        state VARCHAR(16) NOT NULL,
        expires_at BIGINT NULL,
        created_at BIGINT NOT NULL,
        completed_at BIGINT NULL,
        PRIMARY KEY (token_id),
        KEY ${p}tokens_run (namespace, workflow, run_id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
      // Events published by clients (publishEvent), unique by id per namespace; `dispatched`
      // once a worker delivered it to the waits it matched and started its triggers' runs.
      // event_key '' is "no key". Deleted by age (the workers' eventRetention, purgeEvents).
      `CREATE TABLE IF NOT EXISTS ${p}published_events (
        namespace ${NAME},
        event_id ${NAME},
        name ${NAME},
        event_key VARBINARY(255) NOT NULL DEFAULT '',
        payload LONGTEXT NULL,
        published_at BIGINT NOT NULL,
        dispatched TINYINT NOT NULL DEFAULT 0,
        PRIMARY KEY (namespace, event_id),
        KEY ${p}published_events_match (namespace, name, event_key, published_at),
        KEY ${p}published_events_dispatch (namespace, dispatched, published_at),
        KEY ${p}published_events_age (namespace, published_at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
      // The waits of runs for published events (ctx.waitForEvent), registered by the step that
      // begins one and deleted by the step that ends it; event_key '' is "any key".
      `CREATE TABLE IF NOT EXISTS ${p}event_waits (
        namespace ${NAME},
        workflow ${NAME},
        run_id ${NAME},
        iteration INT NOT NULL,
        name ${NAME},
        seq INT NOT NULL,
        event_key VARBINARY(255) NOT NULL DEFAULT '',
        since BIGINT NOT NULL,
        deadline BIGINT NOT NULL,
        PRIMARY KEY (namespace, workflow, run_id, iteration, name, seq),
        KEY ${p}event_waits_match (namespace, name, event_key)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
      // An open debounce window of a trigger per event key ('' for none): the run it starts
      // at fire_at, with the data of the burst's last event (store/rules/triggers.ts).
      `CREATE TABLE IF NOT EXISTS ${p}debounces (
        namespace ${NAME},
        workflow ${NAME},
        debounce_key VARBINARY(255) NOT NULL,
        run_id ${NAME},
        input LONGTEXT NULL,
        code_version VARBINARY(255) NULL,
        first_at BIGINT NOT NULL,
        last_at BIGINT NOT NULL,
        fire_at BIGINT NOT NULL,
        PRIMARY KEY (namespace, workflow, debounce_key),
        KEY ${p}debounces_due (namespace, fire_at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
      // The run a singleton trigger last started per event key ('' for none).
      `CREATE TABLE IF NOT EXISTS ${p}singletons (
        namespace ${NAME},
        workflow ${NAME},
        singleton_key VARBINARY(255) NOT NULL,
        run_id ${NAME},
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (namespace, workflow, singleton_key)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
    ],
  },
  {
    version: 15,
    name: "durable streams of runs",
    statements: (p) => [
      // The head of a run's stream: the offset its next chunk takes (offsets are dense from 0,
      // handed out with this row locked), and whether it is closed (by a writer, or the run's end).
      `CREATE TABLE IF NOT EXISTS ${p}streams (
        namespace ${NAME},
        workflow ${NAME},
        run_id ${NAME},
        stream_key ${NAME},
        next_offset BIGINT NOT NULL DEFAULT 0,
        closed TINYINT NOT NULL DEFAULT 0,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (namespace, workflow, run_id, stream_key)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
      // The chunks: a value (JSON text), or a reset marker (is_reset, payload NULL) for the
      // attempt of an activity whose chunks readers should drop. attempt is NULL for chunks the
      // workflow wrote in a step.
      `CREATE TABLE IF NOT EXISTS ${p}stream_chunks (
        namespace ${NAME},
        workflow ${NAME},
        run_id ${NAME},
        stream_key ${NAME},
        chunk_offset BIGINT NOT NULL,
        payload LONGTEXT NULL,
        attempt INT NULL,
        is_reset TINYINT NOT NULL DEFAULT 0,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (namespace, workflow, run_id, stream_key, chunk_offset)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
      // Which streams an activity (iteration, name, seq) wrote to: the newest attempt that wrote,
      // the attempts up to which a reset was written, and the attempt that closed the stream.
      `CREATE TABLE IF NOT EXISTS ${p}stream_writers (
        namespace ${NAME},
        workflow ${NAME},
        run_id ${NAME},
        iteration INT NOT NULL,
        activity ${NAME},
        seq INT NOT NULL,
        stream_key ${NAME},
        attempt INT NOT NULL,
        reset_through INT NOT NULL DEFAULT 0,
        closed_by INT NULL,
        PRIMARY KEY (namespace, workflow, run_id, iteration, activity, seq, stream_key)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
    ],
  },
  {
    version: 16,
    name: "run operations: pause, tags, resets, bulk actions, activity queues",
    statements: (p) => [
      // A paused run takes no new step; its wake_at is NULL while paused (see rules/pause.ts).
      addColumn(p, "runs", "paused", "TINYINT NOT NULL DEFAULT 0"),
      // The run's tags as JSON (RunInfo.tags); run_tags indexes them.
      addColumn(p, "runs", "tags", "TEXT NULL"),
      // The iteration whose ctx.random() stream the current one continues (a reset copies the
      // steps of an earlier iteration, and replays them with its values). NULL: its own.
      addColumn(p, "runs", "seed_iteration", "INT NULL"),
      // One row a tag of a run, so that a tag query reads the rows it matches, in creation order:
      // the value is JSON text (a string, number or boolean), so "1" and 1 differ.
      `CREATE TABLE IF NOT EXISTS ${p}run_tags (
        namespace ${NAME},
        tag_key ${NAME},
        tag_value ${NAME},
        created_at BIGINT NOT NULL,
        workflow ${NAME},
        run_id ${NAME},
        PRIMARY KEY (namespace, tag_key, tag_value, created_at, workflow, run_id),
        KEY ${p}run_tags_run (namespace, workflow, run_id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
      // A bulk action (client.bulk): what it does to which runs, and how far its listing got.
      `CREATE TABLE IF NOT EXISTS ${p}bulk_batches (
        namespace ${NAME},
        batch_id ${NAME},
        action VARCHAR(16) NOT NULL,
        spec LONGTEXT NOT NULL,
        listed TINYINT NOT NULL DEFAULT 0,
        list_cursor VARCHAR(2048) NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (namespace, batch_id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
      // The runs a bulk action listed, and what it did to each: written in the transaction that
      // acts on the run, so a batch continued after a crash does nothing twice.
      `CREATE TABLE IF NOT EXISTS ${p}bulk_items (
        namespace ${NAME},
        batch_id ${NAME},
        workflow ${NAME},
        run_id ${NAME},
        outcome VARCHAR(16) NOT NULL,
        reason TEXT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (namespace, batch_id, workflow, run_id),
        KEY ${p}bulk_items_outcome (namespace, batch_id, outcome, workflow, run_id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
      // Attempts of activities with a queue: a row holds a slot of the queue while its attempt
      // runs (owner and lease_until set), or waits for one (both NULL, since = when it began).
      `CREATE TABLE IF NOT EXISTS ${p}queue_slots (
        namespace ${NAME},
        workflow ${NAME},
        run_id ${NAME},
        iteration INT NOT NULL,
        target ${NAME},
        seq INT NOT NULL,
        queue ${NAME},
        concurrency_key VARBINARY(255) NULL,
        owner VARBINARY(255) NULL,
        lease_until BIGINT NULL,
        since BIGINT NOT NULL,
        PRIMARY KEY (namespace, workflow, run_id, iteration, target, seq),
        KEY ${p}queue_slots_queue (namespace, queue, lease_until, since)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
    ],
  },
  {
    version: 17,
    name: "claims read the due runs of their own queue off an index, in claim order",
    statements: (p) => [
      // d_wake: wake_at of default-queue runs only (NULL for queued ones), the mirror of q_wake.
      // runs_default_wake replaces runs_wake, which the default queue's probe, claim and next
      // wake walked through every due queued run (a queue's backlog) before finding their own.
      // q_fresh: for a queued run with a wake time, whether it is fresh (no step committed:
      // version is FRESH_VERSION), else NULL (ended, waiting, paused, or the default queue). A
      // claim reads started and fresh runs apart (rules/queue-picking.ts), each in claim order
      // straight off runs_queue_next: after the queue's runs without a wake time, with no sort
      // and with the lease in the index, so the held runs it passes cost no row reads. It
      // replaces runs_queue_due, whose order left creation and name to a sort of every due run.
      // runs_queue_wake: a queue's next wake time (nextWake), one seek.
      // Stored, not virtual (see migration 11), and in one ALTER: one rebuild of the table.
      // A queued run touches as many indexes a step as before (runs_queue_next, runs_queue_wake
      // and runs_queue_lease for runs_wake, runs_queue_due and runs_queue_lease), a default one too.
      // Workers of an older version name runs_wake in nextWake's FORCE INDEX: theirs then fails
      // and they fall back to their poll interval until they are replaced.
      alterRuns(p, {
        columns: [
          { name: "d_wake", definition: "BIGINT GENERATED ALWAYS AS (IF(queue IS NULL, wake_at, NULL)) STORED" },
          {
            name: "q_fresh",
            definition: `TINYINT GENERATED ALWAYS AS (IF(queue IS NULL OR wake_at IS NULL, NULL, version = ${FRESH_VERSION})) STORED`,
          },
        ],
        addIndexes: [
          { name: "runs_default_wake", columns: "namespace, d_wake" },
          {
            name: "runs_queue_next",
            columns: "namespace, queue, q_fresh, priority, q_wake, created_at, workflow, run_id, q_lease",
          },
          { name: "runs_queue_wake", columns: "namespace, queue, q_wake" },
        ],
        dropIndexes: ["runs_wake", "runs_queue_due"],
      }),
    ],
  },
];

/** The queue columns (migrations 5 and 11). */
const Q_WAKE = "BIGINT GENERATED ALWAYS AS (IF(queue IS NULL, NULL, wake_at)) STORED";
const Q_LEASE = "BIGINT GENERATED ALWAYS AS (IF(queue IS NULL, NULL, lease_until)) STORED";

/** Columns and indexes of the runs table to add and drop, each only if not done yet. */
interface RunsChanges {
  readonly columns: readonly { readonly name: string; readonly definition: string }[];
  readonly addIndexes: readonly { readonly name: string; readonly columns: string }[];
  readonly dropIndexes: readonly string[];
}

/**
 * A step that makes the changes not made yet in one ALTER of the runs table (one rebuild, not
 * one a change), so a migration a crash left half done finishes on the next run.
 */
function alterRuns(p: string, changes: RunsChanges): MigrationStep {
  return async (conn) => {
    const parts: string[] = [];
    for (const index of changes.dropIndexes)
      if (await conn.hasIndex("runs", `${p}${index}`)) parts.push(`DROP INDEX ${p}${index}`);
    for (const column of changes.columns)
      if (!(await conn.hasColumn("runs", column.name))) parts.push(`ADD COLUMN ${column.name} ${column.definition}`);
    for (const index of changes.addIndexes)
      if (!(await conn.hasIndex("runs", `${p}${index.name}`)))
        parts.push(`ADD INDEX ${p}${index.name} (${index.columns})`);
    if (parts.length > 0) await conn.query(`ALTER TABLE ${p}runs ${parts.join(", ")}`);
  };
}

/** A step that adds a column unless it is there (MySQL 8 has no ADD COLUMN IF NOT EXISTS). */
function addColumn(p: string, table: string, column: string, definition: string): MigrationStep {
  return async (conn) => {
    if (!(await conn.hasColumn(table, column))) {
      await conn.query(`ALTER TABLE ${p}${table} ADD COLUMN ${column} ${definition}`);
    }
  };
}

/** A step that adds an index unless it is there (MySQL 8 has no CREATE INDEX IF NOT EXISTS). */
function addIndex(p: string, table: string, index: string, columns: string): MigrationStep {
  return async (conn) => {
    if (!(await conn.hasIndex(table, `${p}${index}`))) {
      await conn.query(`ALTER TABLE ${p}${table} ADD INDEX ${p}${index} (${columns})`);
    }
  };
}
