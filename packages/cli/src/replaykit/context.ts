import { createClient, type MySqlClient } from "@replaykit/runtime";
import { type DatabaseOptions, databaseUrl, tablePrefix } from "../shared/database.js";
import { CliUsageError } from "../shared/errors.js";
import type { ReplaykitIo } from "./io.js";

/** Options every command takes (see main.ts). */
export interface GlobalOptions extends DatabaseOptions {
  readonly namespace?: string;
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
  const prefix = tablePrefix(options, io.env);
  const client = createClient({ uri: databaseUrl(options, io.env) }, prefix === undefined ? {} : { prefix });
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
