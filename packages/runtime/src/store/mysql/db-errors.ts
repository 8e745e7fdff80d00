import type { Connection, Pool } from "mysql2/promise";
import {
  DatabaseAccessDeniedError,
  DatabaseUnreachableError,
  InvalidDatabaseUrlError,
  PacketTooLargeError,
  SchemaNotMigratedError,
  UnknownDatabaseError,
} from "../../errors.js";

/** MySQL/MariaDB error numbers the store reacts to. Matched by errno, never by mysql2's `code`. */
export const Errno = {
  DuplicateKey: 1062,
  AccessDenied: 1045,
  DatabaseAccessDenied: 1044,
  NoDatabaseSelected: 1046,
  UnknownDatabase: 1049,
  NoSuchTable: 1146,
  LockWaitTimeout: 1205,
  Deadlock: 1213,
  /** MySQL 8: "Statement aborted because lock(s) could not be acquired immediately and NOWAIT is set". */
  LockNowait: 3572,
  /**
   * ER_UNKNOWN_COM_ERROR, which Galera answers to every query while a node cannot serve
   * ("WSREP has not yet prepared node for application use"): joining, or cut off from the
   * primary component. Another node can serve, so it counts as unreachable.
   */
  NodeNotReady: 1047,
  CannotConnect: 2002,
  ConnectionRefused: 2003,
  ServerGone: 2006,
  LostConnection: 2013,
  /** The server is shutting down (1053) or killed our connection as it did (1927). */
  ServerShutdown: 1053,
  ConnectionKilled: 1927,
  /** "Subquery returns more than 1 row": raised on purpose by a step's fence guard (step-statements.ts). */
  SubqueryRows: 1242,
  /** ER_NET_PACKET_TOO_LARGE: "Got a packet bigger than 'max_allowed_packet' bytes". */
  PacketTooLarge: 1153,
} as const;

const UNREACHABLE_ERRNOS = new Set<number>([
  Errno.NodeNotReady,
  Errno.CannotConnect,
  Errno.ConnectionRefused,
  Errno.ServerGone,
  Errno.LostConnection,
  Errno.ServerShutdown,
  Errno.ConnectionKilled,
]);

// Node socket errors carry a string `code` and no MySQL errno; these are not MySQL codes.
const UNREACHABLE_SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "PROTOCOL_CONNECTION_LOST",
]);

/** The MySQL error number of an error, if it has one. */
export function errnoOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const errno = (error as { errno?: unknown }).errno;
  return typeof errno === "number" && errno > 0 ? errno : undefined;
}

/**
 * A lock conflict that a retry resolves: a deadlock (1213), a lock wait timeout (1205), or
 * NOWAIT meeting a lock. NOWAIT answers 1205 on MariaDB 10.6+ (observed on 10.11.19 in
 * test/client/stream.test.ts) and 3572 (ER_LOCK_NOWAIT) on MySQL 8.
 */
export function isLockConflict(error: unknown): boolean {
  const errno = errnoOf(error);
  return errno === Errno.Deadlock || errno === Errno.LockWaitTimeout || errno === Errno.LockNowait;
}

/** A Galera node that cannot serve now (see Errno.NodeNotReady). */
export function isNodeNotReady(error: unknown): boolean {
  return errnoOf(error) === Errno.NodeNotReady;
}

export function isDuplicateKey(error: unknown): boolean {
  return errnoOf(error) === Errno.DuplicateKey;
}

/** True when the error says the server could not be reached or refused us. */
export function isUnreachable(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const errno = errnoOf(error);
  if (errno !== undefined && UNREACHABLE_ERRNOS.has(errno)) return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && UNREACHABLE_SOCKET_CODES.has(code)) return true;
  // An AggregateError (happy-eyeballs connect) wraps the socket errors.
  const inner = (error as { errors?: unknown }).errors;
  return Array.isArray(inner) && inner.some(isUnreachable);
}

/** Where a pool or connection points, for error messages. */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
  /** The database the pool or URL names, if any. */
  readonly database?: string | undefined;
}

/** Reads host and port from a mysql2 promise pool or connection (its runtime config). */
export function endpointOf(db: Pool | Connection): Endpoint {
  const inner = (db as unknown as { pool?: unknown; connection?: unknown }).pool ?? db;
  const config = readObject(inner, "config");
  const connectionConfig = readObject(config, "connectionConfig") ?? config;
  const direct = readObject(readObject(db, "connection"), "config");
  const source = connectionConfig ?? direct;
  const host = readField(source, "host") ?? readField(direct, "host");
  const port = readField(source, "port") ?? readField(direct, "port");
  const database = readField(source, "database") ?? readField(direct, "database");
  return {
    host: typeof host === "string" ? host : "localhost",
    port: typeof port === "number" ? port : 3306,
    database: typeof database === "string" && database !== "" ? database : undefined,
  };
}

function readObject(value: unknown, key: string): Record<string, unknown> | undefined {
  const field = readField(value, key);
  return typeof field === "object" && field !== null ? (field as Record<string, unknown>) : undefined;
}

function readField(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * Turns the failures a newcomer meets into errors that say what to do: the server cannot be
 * reached (DatabaseUnreachableError), refused the login (DatabaseAccessDeniedError), has no
 * such database or none was named (UnknownDatabaseError), or lacks replaykit's tables
 * (SchemaNotMigratedError). Returns other errors unchanged.
 */
export function mapDbError(error: unknown, endpoint: Endpoint): unknown {
  if (isOurs(error)) return error;
  const { host, port } = endpoint;
  switch (errnoOf(error)) {
    case Errno.AccessDenied:
    case Errno.DatabaseAccessDenied:
      return new DatabaseAccessDeniedError(host, port, error);
    case Errno.UnknownDatabase:
      return new UnknownDatabaseError(host, port, quotedName(error) ?? endpoint.database, error);
    case Errno.NoDatabaseSelected:
      return new UnknownDatabaseError(host, port, undefined, error);
    case Errno.NoSuchTable:
      return new SchemaNotMigratedError(`replaykit's tables are missing (${(error as Error).message})`, error);
    case Errno.PacketTooLarge:
      return new PacketTooLargeError("a write", undefined, undefined, error);
  }
  if (isUnreachable(error)) return new DatabaseUnreachableError(host, port, error);
  return error;
}

function isOurs(error: unknown): boolean {
  return (
    error instanceof DatabaseUnreachableError ||
    error instanceof DatabaseAccessDeniedError ||
    error instanceof UnknownDatabaseError ||
    error instanceof SchemaNotMigratedError ||
    error instanceof PacketTooLargeError
  );
}

/** The name in a server message such as "Unknown database 'shop'". */
function quotedName(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : "";
  return /'([^']*)'/.exec(message)?.[1];
}

/** Runs `work`, rethrowing the failures mapDbError knows as its typed errors. */
export async function mapUnreachable<T>(endpoint: Endpoint, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw mapDbError(error, endpoint);
  }
}

/**
 * Host, port and database of a mysql:// (or mariadb://) URL, checked before mysql2 sees it:
 * not a URL, another scheme, or no database named each throw InvalidDatabaseUrlError.
 */
export function endpointOfUri(uri: string): Endpoint {
  const shown = JSON.stringify(hidePassword(uri));
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new InvalidDatabaseUrlError(shown, "it is not a URL");
  }
  if (url.protocol !== "mysql:" && url.protocol !== "mariadb:") {
    throw new InvalidDatabaseUrlError(shown, `replaykit needs MySQL or MariaDB, not ${url.protocol.slice(0, -1)}`);
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ""));
  if (database === "" || database.includes("/")) {
    throw new InvalidDatabaseUrlError(shown, "it names no database (the path after the port)");
  }
  return { host: url.hostname || "localhost", port: Number(url.port || 3306), database };
}

/** The URL with its password replaced, for messages. */
function hidePassword(uri: string): string {
  return uri.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@/]*@/i, "$1***@");
}
