import { CliUsageError } from "./errors.js";

/** How a command finds the replaykit tables: --db and --table-prefix, else their environment variables. */
export interface DatabaseOptions {
  readonly db?: string;
  readonly tablePrefix?: string;
}

type Environment = Readonly<Record<string, string | undefined>>;

/** The database URL from --db or REPLAY_MYSQL_URL; it must name a database. */
export function databaseUrl(options: DatabaseOptions, env: Environment): string {
  const url = options.db ?? env.REPLAY_MYSQL_URL;
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

/** The table prefix from --table-prefix or REPLAY_TABLE_PREFIX; undefined leaves the runtime's default. */
export function tablePrefix(options: DatabaseOptions, env: Environment): string | undefined {
  return options.tablePrefix ?? env.REPLAY_TABLE_PREFIX;
}

/** A URL for messages, without its password. */
export function redact(url: URL): string {
  const copy = new URL(url.toString());
  if (copy.password !== "") copy.password = "***";
  return copy.toString();
}
