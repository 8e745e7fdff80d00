import { connect, type Socket } from "node:net";
import { Duplex } from "node:stream";
import type { Endpoint } from "./db-errors.js";

/** How long one endpoint may take to accept a TCP connection before the next is tried. */
const CONNECT_TIMEOUT_MS = 3000;
/** How long an endpoint that answered "not ready" (Galera errno 1047) is passed over. */
const AVOID_MS = 5000;

/** What the ring needs of a mysql2 pool connection: its stream, and a way to drop it from the pool. */
export interface PooledConnection {
  readonly stream?: unknown;
  /** mysql2: ends the connection and removes it from its pool at once (see avoidCurrent). */
  destroy(): void;
}

/**
 * Several endpoints of one database (e.g. the nodes of a Galera cluster), used one at a time.
 * New connections go to the current endpoint; when it refuses or times out, the next ones are
 * tried in ring order and the first that accepts becomes current. Connections stay where
 * they are while it works (no fail-back), so a client does not move onto a node that is
 * still joining. Handed to mysql2 as its `stream` factory, so the pool stays a plain Pool.
 */
export class EndpointRing {
  readonly endpoints: readonly Endpoint[];
  #current = 0;
  readonly #avoidUntil: number[];
  readonly #live = new Set<FailoverSocket>();
  /** The pool's connections, and which of them are handed out now (mysql2's acquire and release events). */
  readonly #pooled = new Set<PooledConnection>();
  readonly #busy = new Set<PooledConnection>();

  constructor(endpoints: readonly Endpoint[]) {
    if (endpoints.length === 0) throw new Error("EndpointRing needs at least one endpoint");
    this.endpoints = endpoints;
    this.#avoidUntil = endpoints.map(() => 0);
  }

  /** The endpoint new connections go to first. */
  get current(): Endpoint {
    return this.endpoints[this.#current] as Endpoint;
  }

  /** A new connection, as mysql2's `stream` option wants it. */
  connect(): Duplex {
    return new FailoverSocket(this, this.#order());
  }

  /** Follows a mysql2 pool's connections, so that avoidCurrent can drop those to an endpoint. */
  watch(pool: {
    on(event: "connection" | "acquire" | "release", listener: (connection: PooledConnection) => void): unknown;
  }): void {
    pool.on("connection", (connection) => {
      this.#pooled.add(connection);
      const stream = connection.stream;
      if (stream instanceof FailoverSocket) stream.once("close", () => this.#pooled.delete(connection));
    });
    pool.on("acquire", (connection) => this.#busy.add(connection));
    pool.on("release", (connection) => this.#busy.delete(connection));
  }

  /**
   * The current endpoint answered that it cannot serve (Galera: joining, or not in the
   * primary component). Pass it over for a while and drop every connection to it at once, so
   * the next query opens a connection elsewhere instead of reusing one of them.
   *
   * An idle pool connection is ended through mysql2 (`destroy()`), which takes it out of the
   * pool at once. One handed out is failed as a network failure would fail it, through its
   * socket: mysql2 then rejects the query in flight and drops the connection. (Ending that one
   * through mysql2 marks it as closing on purpose, and the query in flight then never settles:
   * every claim and step of a worker hung. Failing an idle one through its socket instead
   * leaves it in the pool until the error event, and it can be handed out meanwhile.)
   */
  avoidCurrent(now = Date.now()): void {
    const index = this.#current;
    const endpoint = this.current;
    this.#avoidUntil[index] = now + AVOID_MS;
    this.#current = (index + 1) % this.endpoints.length;
    for (const connection of this.#pooled) {
      const stream = connection.stream;
      if (!(stream instanceof FailoverSocket) || stream.endpointIndex !== index) continue;
      this.#pooled.delete(connection);
      if (this.#busy.has(connection)) stream.destroy(avoidedError(endpoint));
      else connection.destroy();
    }
    // Sockets of no pool connection (a lane's or a presence's own): failed the same way.
    for (const socket of this.#live) if (socket.endpointIndex === index) socket.destroy(avoidedError(endpoint));
  }

  /** Endpoint indexes to try, current first; those passed over go last. */
  #order(): number[] {
    const n = this.endpoints.length;
    const ring = Array.from({ length: n }, (_, i) => (this.#current + i) % n);
    const now = Date.now();
    const avoided = (i: number) => (this.#avoidUntil[i] ?? 0) > now;
    return [...ring.filter((i) => !avoided(i)), ...ring.filter(avoided)];
  }

  /** Called by a socket once an endpoint accepted it. */
  connected(socket: FailoverSocket, index: number): void {
    this.#current = index;
    this.#live.add(socket);
    socket.once("close", () => this.#live.delete(socket));
  }
}

/**
 * A duplex stream over a TCP connection to the first endpoint of `order` that accepts one.
 * MySQL servers speak first, so mysql2 writes nothing before the connection is up; writes
 * that come earlier anyway wait for it.
 */
class FailoverSocket extends Duplex {
  endpointIndex = -1;
  readonly #ring: EndpointRing;
  #socket: Socket | undefined;
  #pendingWrite: (() => void) | undefined;
  readonly #failures: string[] = [];

  constructor(ring: EndpointRing, order: readonly number[]) {
    super();
    this.#ring = ring;
    this.#attempt(order, 0);
  }

  #attempt(order: readonly number[], at: number): void {
    const index = order[at];
    const endpoint = index === undefined ? undefined : this.#ring.endpoints[index];
    if (index === undefined || endpoint === undefined || this.destroyed) return;
    const socket = connect({ host: endpoint.host, port: endpoint.port });
    socket.setTimeout(CONNECT_TIMEOUT_MS, () => socket.destroy(timeoutError(endpoint)));
    const onError = (error: NodeJS.ErrnoException) => {
      this.#failures.push(`${endpoint.host}:${endpoint.port} (${error.code ?? error.message})`);
      if (at + 1 < order.length) return this.#attempt(order, at + 1);
      this.destroy(allFailed(error, this.#failures));
    };
    socket.once("error", onError);
    socket.once("connect", () => {
      socket.off("error", onError);
      socket.setTimeout(0);
      this.#adopt(socket, index);
    });
  }

  #adopt(socket: Socket, index: number): void {
    if (this.destroyed) {
      socket.destroy();
      return;
    }
    this.endpointIndex = index;
    this.#socket = socket;
    // What mysql2 does for its own sockets: no Nagle delay on small protocol packets.
    socket.setNoDelay(true);
    socket.setKeepAlive(true);
    socket.on("data", (chunk: Buffer) => {
      if (!this.push(chunk)) socket.pause();
    });
    socket.on("end", () => this.push(null));
    socket.on("error", (error) => this.destroy(error));
    socket.on("close", () => this.destroy());
    this.#ring.connected(this, index);
    this.#pendingWrite?.();
    this.#pendingWrite = undefined;
  }

  override _read(): void {
    this.#socket?.resume();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const socket = this.#socket;
    if (socket) socket.write(chunk, encoding, callback);
    else this.#pendingWrite = () => this._write(chunk, encoding, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.#socket) this.#socket.end(callback);
    else callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#socket?.destroy();
    callback(error);
  }
}

/** Why a connection to an endpoint that cannot serve was dropped; a connection error, so the caller retries. */
function avoidedError(endpoint: Endpoint): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(
    `connection to ${endpoint.host}:${endpoint.port} dropped: that node answered that it cannot serve; moving to the next endpoint`,
  );
  error.code = "ECONNRESET";
  return error;
}

function timeoutError(endpoint: Endpoint): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(
    `connect to ${endpoint.host}:${endpoint.port} timed out after ${CONNECT_TIMEOUT_MS} ms`,
  );
  error.code = "ETIMEDOUT";
  return error;
}

/** The last socket error (its code tells the store it is a connection failure), naming every endpoint tried. */
function allFailed(last: NodeJS.ErrnoException, failures: readonly string[]): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`no endpoint accepted a connection: tried ${failures.join(", ")}`, {
    cause: last,
  });
  if (last.code !== undefined) error.code = last.code;
  return error;
}
