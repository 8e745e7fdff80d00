import mysql from "mysql2";

/**
 * SQL round trips: queries (COM_QUERY / COM_STMT_EXECUTE packets) this process's mysql2
 * connections send. A multi-statement query is one round trip and several statements; the
 * server's `Questions` counter counts statements, so the two are reported separately.
 */
let sent = 0;
let installed = false;

interface Command {
  readonly constructor: { readonly name: string };
  /** The query text, values already inlined by mysql2 (Query commands). */
  readonly sql?: unknown;
}

/** While set, the text of every query sent is appended here (W6 collects its hot queries). */
let captured: string[] | undefined;

/** Counts every Query and Execute command mysql2 connections (pooled or not) add from now on. */
export function countRoundTrips(): void {
  if (installed) return;
  installed = true;
  const base = Object.getPrototypeOf(mysql.Connection.prototype) as {
    addCommand(this: unknown, command: Command): unknown;
  };
  const addCommand = base.addCommand;
  base.addCommand = function (this: unknown, command: Command) {
    const name = command?.constructor?.name;
    if (name === "Query" || name === "Execute") {
      sent++;
      if (captured && typeof command.sql === "string") captured.push(command.sql);
    }
    return addCommand.call(this, command);
  };
}

/** Round trips sent so far (0 until countRoundTrips is called). */
export function roundTrips(): number {
  return sent;
}

/** Runs `body` and returns the text of every query this process sent meanwhile. */
export async function captureQueries(body: () => Promise<void>): Promise<string[]> {
  const into: string[] = [];
  captured = into;
  try {
    await body();
  } finally {
    captured = undefined;
  }
  return into;
}
