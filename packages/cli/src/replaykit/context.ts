import { createClient, type MySqlClient, type PayloadView, payloadView, type StoreClient } from "@replaykit/runtime";
import { codecConfigOptions } from "../shared/codec-config.js";
import { type DatabaseOptions, databaseUrl, tablePrefix } from "../shared/database.js";
import { CliUsageError } from "../shared/errors.js";
import type { ReplaykitIo } from "./io.js";

/** Options every command takes (see main.ts). */
export interface GlobalOptions extends DatabaseOptions {
  readonly namespace?: string;
  readonly json?: boolean;
  /** A codec config file (keys, payload store); default: the file REPLAY_CODEC_CONFIG names. */
  readonly codecConfig?: string;
  /** Show the values of secret fields (they stay hidden otherwise, keys or not). */
  readonly showSecrets?: boolean;
  /** Load offloaded payloads (otherwise shown by their size). */
  readonly loadOffloaded?: boolean;
}

/** What a command works with: a client on the database, its namespace and how to print. */
export interface Context {
  /**
   * The client commands read and write with: its reads show payloads as `view` allows (what it
   * cannot open is sealed, never an error), it writes with the codec config's codecs.
   */
  readonly client: StoreClient;
  /** Recognises the payloads `client` read sealed (see PayloadView.sealedOf). */
  readonly view: PayloadView;
  /** The client with the codec config: what the inspector serves (it makes views of its own). */
  readonly source: MySqlClient;
  readonly showSecrets: boolean;
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
  const payloads = codecConfigOptions(options.codecConfig, io.env);
  const uri = databaseUrl(options, io.env);
  const source = createClient({ uri }, { ...payloads, ...(prefix === undefined ? {} : { prefix }) });
  const showSecrets = options.showSecrets === true;
  // Whoever runs the CLI holds the keys it was given: it decrypts; secrets and offloaded payloads only when asked.
  const view = payloadView(source, { decrypt: true, secrets: showSecrets, offloaded: options.loadOffloaded === true });
  const client = view.client;
  try {
    await source.ready();
    const asked = options.namespace ?? io.env.REPLAY_NAMESPACE;
    const namespace = namespaceOptional ? (asked ?? "") : await resolveNamespace(client, asked);
    const json = options.json === true;
    return await work({ client, view, source, showSecrets, namespace, json, io, now: () => source.clock.now() });
  } finally {
    await source.close();
  }
}

/** The namespace asked for, or the only one in the database. */
async function resolveNamespace(client: StoreClient, asked: string | undefined): Promise<string> {
  if (asked !== undefined && asked !== "") return asked;
  const namespaces = await client.listNamespaces();
  if (namespaces.length === 1 && namespaces[0] !== undefined) return namespaces[0];
  const found = namespaces.length === 0 ? "the database has no runs yet" : `it has ${namespaces.join(", ")}`;
  throw new CliUsageError(`which namespace? pass --namespace <name> or set REPLAY_NAMESPACE (${found})`);
}
