/**
 * Errors of the `replaykit` binary. Each carries a `code`, the exit code it ends the command
 * with, and a message that says what was wrong and how to fix it.
 */

import { ReplayError } from "@replaykit/runtime";
import { EXIT, type ExitCode } from "./exit-codes.js";

/** The command line asks for something impossible (a missing flag, an unreadable value). */
export class CliUsageError extends Error {
  override name = "CliUsageError";
  readonly code = "CLI_USAGE";
  readonly exitCode: ExitCode = EXIT.usage;
}

/** The command could not do what it was asked: the run or schedule is missing, or refused the change. */
export class CliRefusedError extends Error {
  override name = "CliRefusedError";
  readonly code = "CLI_REFUSED";
  readonly exitCode: ExitCode = EXIT.refused;
}

/** Options of the web inspector that would make it unsafe or unusable (an empty token, no Host names). */
export class InspectorOptionsError extends ReplayError {
  override name = "InspectorOptionsError";
  constructor(message: string) {
    super("INVALID_ARGUMENT", message);
  }
}

/** The database did not answer a page's reads in time: the inspector answers 503 instead of hanging. */
export class DatabaseTimeoutError extends ReplayError {
  override name = "DatabaseTimeoutError";
  readonly timeoutMs: number;
  constructor(timeoutMs: number) {
    super(
      "DATABASE_UNREACHABLE",
      `the database did not answer within ${timeoutMs} ms (frozen, overloaded or cut off); reload the page once it answers again`,
    );
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The message of a Node system error (a file that is a folder, a folder that is a file, a
 * permission): what the operating system refused, which a user fixes, so it is shown without a
 * stack. Undefined for anything else.
 */
export function systemErrorMessage(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, syscall } = error as { code?: unknown; syscall?: unknown };
  return typeof code === "string" && /^E[A-Z]+$/.test(code) && typeof syscall === "string" ? error.message : undefined;
}

/**
 * The inspector could not listen on its address: the port is taken (EADDRINUSE), needs
 * privileges (EACCES), or the host is no address of this machine (EADDRNOTAVAIL, ENOTFOUND).
 */
export class InspectorListenError extends Error {
  override name = "InspectorListenError";
  readonly code = "INSPECTOR_LISTEN";
  readonly exitCode: ExitCode = EXIT.usage;
  readonly host: string;
  readonly port: number;
  constructor(host: string, port: number, cause: unknown) {
    super(listenFailure(host, port, (cause as { code?: unknown } | null)?.code), { cause });
    this.host = host;
    this.port = port;
  }
}

function listenFailure(host: string, port: number, code: unknown): string {
  const address = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  const another = `pass --port 0 for any free port, or another port such as --port ${port === 65_535 ? port - 1 : port + 1} (startInspector({ port }) in code)`;
  switch (code) {
    case "EADDRINUSE":
      return `cannot serve the inspector on ${address}: port ${port} is in use (another replaykit ui, or another program); ${another}`;
    case "EACCES":
      return `cannot serve the inspector on ${address}: listening on port ${port} needs privileges; ${another}, above 1023`;
    case "EADDRNOTAVAIL":
    case "ENOTFOUND":
      return `cannot serve the inspector on ${address}: ${JSON.stringify(host)} is no address of this machine; pass --host 127.0.0.1, or an address this machine has`;
    default:
      return `cannot serve the inspector on ${address}: ${String(code ?? "listen failed")}; ${another}`;
  }
}
