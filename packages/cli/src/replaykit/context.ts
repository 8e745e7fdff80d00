import { createClient, type MySqlClient } from "@replaykit/runtime";
import { CliUsageError } from "../errors.js";
import type { ReplaykitIo } from "./io.js";

/** Options every command takes (see main.ts). */
export interface GlobalOptions {
  readonly db?: string;
  readonly namespace?: string;
  readonly tablePrefix?: string;
  readonly json?: boolean;
}

/** What a command works with: a client on the database, its namespace and how to print. */
export interface Context {
  readonly client: MySqlClient;
  readonly namespace: string;
  readonly json: boolean;
  readonly io: ReplaykitIo;
  /** The database clock, ms since the epoch. */
  now(): number;
}

/** The database URL from --db or REPLAY_MYSQL_URL; it must name a database. */
export function databaseUrl(options: GlobalOptions, io: ReplaykitIo): string {
  const url = options.db ?? io.env.REPLAY_MYSQL_URL;
  if (url === undefined || url === "") {
    throw new CliUsageError("no database: pass --db mysql://user:password@host:3306/database or set REPLAY_MYSQL_URL");
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliUsageError(
      `invalid database URL ${JSON.stringify(url)}: use mysql://user:password@host:3306/database`,
    );
  }
  if (parsed.protocol !== "mysql:" || parsed.pathname.length <= 1) {
    throw new CliUsageError(
      `invalid database URL ${JSON.stringify(redact(parsed))}: use mysql://user:password@host:3306/database, with the database that holds the replay_ tables`,
    );
  }
  return url;
}

/**
 * Opens a client, checks the database answers, resolves the namespace (or leaves it "" when it
 * is optional and not given); runs `work`; closes.
 */
export async function withContext<T>(
  options: GlobalOptions,
  io: ReplaykitIo,
  work: (context: Context) => Promise<T>,
  namespaceOptional = false,
): Promise<T> {
  const prefix = options.tablePrefix ?? io.env.REPLAY_TABLE_PREFIX;
  const client = createClient({ uri: databaseUrl(options, io) }, prefix === undefined ? {} : { prefix });
  try {
    await client.ready();
    const asked = options.namespace ?? io.env.REPLAY_NAMESPACE;
    const namespace = namespaceOptional ? (asked ?? "") : await resolveNamespace(client, asked);
    return await work({ client, namespace, json: options.json === true, io, now: () => client.clock.now() });
  } finally {
    await client.close();
  }
}

/** The namespace asked for, or the only one in the database. */
async function resolveNamespace(client: MySqlClient, asked: string | undefined): Promise<string> {
  if (asked !== undefined && asked !== "") return asked;
  const namespaces = await client.listNamespaces();
  if (namespaces.length === 1 && namespaces[0] !== undefined) return namespaces[0];
  const found = namespaces.length === 0 ? "the database has no runs yet" : `it has ${namespaces.join(", ")}`;
  throw new CliUsageError(`which namespace? pass --namespace <name> or set REPLAY_NAMESPACE (${found})`);
}

/** A URL for messages, without its password. */
export function redact(url: URL): string {
  const copy = new URL(url.toString());
  if (copy.password !== "") copy.password = "***";
  return copy.toString();
}
