import type { Connection, Pool } from "mysql2/promise";
import { DatabaseUnreachableError } from "../../errors.js";

/** MySQL/MariaDB error numbers the store reacts to. Matched by errno, never by mysql2's `code`. */
export const Errno = {
  DuplicateKey: 1062,
  AccessDenied: 1045,
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
} as const;

const UNREACHABLE_ERRNOS = new Set<number>([
  Errno.AccessDenied,
  Errno.NodeNotReady,
  Errno.CannotConnect,
  Errno.ConnectionRefused,
  Errno.ServerGone,
  Errno.LostConnection,
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
  return { host: typeof host === "string" ? host : "localhost", port: typeof port === "number" ? port : 3306 };
}

function readObject(value: unknown, key: string): Record<string, unknown> | undefined {
  const field = readField(value, key);
  return typeof field === "object" && field !== null ? (field as Record<string, unknown>) : undefined;
}

function readField(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** Turns a connection failure into DatabaseUnreachableError; returns other errors unchanged. */
export function mapDbError(error: unknown, endpoint: Endpoint): unknown {
  if (error instanceof DatabaseUnreachableError) return error;
  if (!isUnreachable(error)) return error;
  return new DatabaseUnreachableError(endpoint.host, endpoint.port, error);
}

/** Runs `work`, rethrowing connection failures as DatabaseUnreachableError. */
export async function mapUnreachable<T>(endpoint: Endpoint, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw mapDbError(error, endpoint);
  }
}

/** Host and port named by a mysql:// URL. */
export function endpointOfUri(uri: string): Endpoint {
  try {
    const url = new URL(uri);
    return { host: url.hostname || "localhost", port: Number(url.port || 3306) };
  } catch {
    return { host: "localhost", port: 3306 };
  }
}
