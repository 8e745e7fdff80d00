/**
 * The errors of reaching the database and fitting in it: the server, the login, the database,
 * the schema and the packet size. Part of the runtime's errors (re-exported by errors.ts).
 */

import { ReplayError } from "./replay-error.js";

/** The database could not be reached. */
export class DatabaseUnreachableError extends ReplayError {
  override name = "DatabaseUnreachableError";
  readonly host: string;
  readonly port: number;
  constructor(host: string, port: number, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      "DATABASE_UNREACHABLE",
      `cannot reach MySQL at ${host}:${port}: ${reason}. Check that the server runs and that the URL (or the pool config) names the right host and port.`,
      { cause },
    );
    this.host = host;
    this.port = port;
  }
}

/** The server was reached and refused the user: wrong user name or password, or no access. */
export class DatabaseAccessDeniedError extends ReplayError {
  override name = "DatabaseAccessDeniedError";
  readonly host: string;
  readonly port: number;
  constructor(host: string, port: number, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      "DATABASE_ACCESS_DENIED",
      `MySQL at ${host}:${port} was reached but refused the login: ${reason}. Check the user name and password in the URL (or the pool config), and that the user may use the database from this host.`,
      { cause },
    );
    this.host = host;
    this.port = port;
  }
}

/** The database named in the URL or pool config does not exist, or none was named. */
export class UnknownDatabaseError extends ReplayError {
  override name = "UnknownDatabaseError";
  readonly database: string | undefined;
  constructor(host: string, port: number, database: string | undefined, cause: unknown) {
    super(
      "UNKNOWN_DATABASE",
      database === undefined
        ? `MySQL at ${host}:${port}: no database is selected. Name one at the end of the URL (mysql://user:password@host:3306/app) or as \`database\` in the pool config.`
        : `MySQL at ${host}:${port} has no database "${database}". Create it (CREATE DATABASE \`${database}\`) or fix the name at the end of the URL (or \`database\` in the pool config).`,
      { cause },
    );
    this.database = database;
  }
}

/** replaykit's tables are missing or older than this version of replaykit needs. */
export class SchemaNotMigratedError extends ReplayError {
  override name = "SchemaNotMigratedError";
  constructor(detail: string, cause?: unknown) {
    super(
      "SCHEMA_NOT_MIGRATED",
      `${detail}. Create or update replaykit's tables once, before starting workers: await client.migrate() (or migrate(pool) from @replaykit/runtime). It is idempotent and safe from several processes.`,
      cause === undefined ? undefined : { cause },
    );
  }
}

/**
 * A write larger than the server takes in one packet (`max_allowed_packet`): refused by the
 * server, not unreachable. A worker parks a run whose step no packet can carry.
 */
export class PacketTooLargeError extends ReplayError {
  override name = "PacketTooLargeError";
  /** About how many bytes the write needs, and the server's max_allowed_packet, when known. */
  readonly bytes: number | undefined;
  readonly maxPacket: number | undefined;
  constructor(what: string, bytes: number | undefined, maxPacket: number | undefined, cause?: unknown) {
    const size = bytes === undefined ? "" : ` (about ${bytes} bytes as SQL)`;
    const of = maxPacket === undefined ? "" : ` of ${maxPacket} bytes`;
    super(
      "PACKET_TOO_LARGE",
      `${what} is larger${size} than the server's max_allowed_packet${of}: raise it (SET GLOBAL max_allowed_packet = 67108864, and in the server's configuration), or lower the client's maxPayloadBytes so no value comes near it`,
      cause === undefined ? undefined : { cause },
    );
    this.bytes = bytes;
    this.maxPacket = maxPacket;
  }
}

/** A database URL that is not a mysql:// URL naming a database. */
export class InvalidDatabaseUrlError extends ReplayError {
  override name = "InvalidDatabaseUrlError";
  constructor(shown: string, reason: string) {
    super(
      "INVALID_DATABASE_URL",
      `invalid database URL ${shown}: ${reason}. Use mysql://user:password@host:3306/database (MySQL 8 or MariaDB 10.6+).`,
    );
  }
}
