import { Command, CommanderError } from "commander";
import { BULK_ACTIONS } from "../shared/bulk-actions.js";
import { CliUsageError } from "../shared/errors.js";
import { EXIT, exitCodesHelp } from "../shared/exit-codes.js";
import { bulkAction } from "./commands/bulk.js";
import { filterOptions, TAG_HELP } from "./commands/run-filter.js";
import { DEFAULT_TERMINATE_REASON, pauseRun, resetRun, terminateRun, unpauseRun } from "./commands/runs-control.js";
import { countRuns } from "./commands/runs-count.js";
import { type ListFlags, listRuns } from "./commands/runs-list.js";
import { showHistory, showRunCommand } from "./commands/runs-show.js";
import { cancelRun, forkRun, purgeRuns, resumeRun, sendSignal } from "./commands/runs-write.js";
import { changeSchedule, deleteSchedule, listSchedules } from "./commands/schedules.js";
import { serveInspector } from "./commands/ui.js";
import { type Context, type GlobalOptions, withContext } from "./context.js";
import { reportFailure } from "./failure.js";
import { processIo, type ReplaykitIo } from "./io.js";
import { collect } from "./parse.js";

const HELP = `
Database: --db mysql://user:password@host:3306/database, or REPLAY_MYSQL_URL.
Namespace: --namespace <name>, or REPLAY_NAMESPACE; may be left out when the database has one.
Payloads: encrypted ones show as "encrypted (key k1, 3.2 KiB)" unless --codec-config <file> (or
REPLAY_CODEC_CONFIG) gives their keys; secret fields stay hidden unless --show-secrets; offloaded
payloads show their size unless --load-offloaded. The file's format: docs/payloads.md.
Output: results (tables, or JSON with --json) on stdout; counts, next-page cursors, progress and
errors on stderr, so a pipe or a file gets the results alone.

Examples:
  replaykit runs list --status stuck                 runs parked with an error, newest first
  replaykit runs show order o-17                     status, input, error, steps, what it waits for
  replaykit runs resume order o-17 --version v2      replay a stuck run on workers of version v2
  replaykit runs reset order o-17 --first-failure    same id, again from its first failed step
  replaykit bulk pause --tag customer=c-42           pause every run of a customer (asks first)
  replaykit runs purge --ended-before 30d            delete runs that ended over 30 days ago
  replaykit signal order o-17 warehouseReady '{"picker":"ann"}' --id evt-9
  replaykit ui                                       the web inspector on http://127.0.0.1:7070

${exitCodesHelp("replaykit")}`;

const LIST_HELP = `
The table goes to stdout; the footer ("3 runs; next page: add --cursor ...") and "no runs ...
match" go to stderr, so \`replaykit runs list | grep stuck\` or \`> runs.txt\` gets the rows alone.
With --json, stdout has the whole page: { runs, nextCursor }.`;

const BULK_HELP = `
Asks first, with the number of runs the filter matches, unless --yes. Progress goes to stderr: a
bar on a terminal, a line per round of 100 runs otherwise, none with --json (stdout then has the
result: { batchId, matched, done, skipped, failed, failures }). Skipped: runs that stopped
matching since they were listed, or that had nothing to change. Exit code 1 when some failed.

Examples:
  replaykit bulk pause --status running --tag customer=c-42
  replaykit bulk reset --status failed --created-after 12h --pin-version v3 --yes
  replaykit bulk signal --workflow order --status running --signal recheck --message '{}'
  replaykit bulk terminate --tag customer=c-42 --reason "fraud" --batch-id incident-2291`;

type Handler = (context: Context, args: string[], flags: Record<string, unknown>) => Promise<void>;
type Act = (handler: Handler, namespaceOptional?: boolean) => (...params: unknown[]) => Promise<void>;

/**
 * Runs `replaykit` with `argv` (without the node and script entries) and resolves to its
 * exit code. Results go to `io.out` (tables, or JSON with --json), progress and errors to `io.err`.
 */
export async function main(argv: readonly string[], io: ReplaykitIo = processIo()): Promise<number> {
  let exitCode: number = EXIT.ok;
  // With --json, errors are JSON on stderr too, commander's own (a bad flag) included.
  const json = argv.includes("--json");
  const act =
    (handler: Handler, namespaceOptional = false) =>
    async (...params: unknown[]): Promise<void> => {
      const command = params.at(-1) as Command;
      const flags = params.at(-2) as Record<string, unknown>;
      const args = params.slice(0, -2) as string[];
      try {
        const options = command.optsWithGlobals<GlobalOptions>();
        await withContext(options, io, (context) => handler(context, args, flags), namespaceOptional);
      } catch (error) {
        exitCode = reportFailure(error, io, json);
      }
    };
  const program = buildProgram(json ? { ...io, err: () => {} } : io, act);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return EXIT.ok;
      if (json) reportFailure(new CliUsageError(error.message.replace(/^error: /, "")), io, true);
      return EXIT.usage;
    }
    return reportFailure(error, io, json);
  }
}

function buildProgram(io: ReplaykitIo, act: Act): Command {
  const program = new Command("replaykit")
    .description(
      "Operate replaykit runs: list, inspect, cancel, pause, terminate, resume, reset, fork, purge, signal, bulk actions; a web inspector.",
    )
    .option("--db <url>", "mysql://user:password@host:3306/database (default: REPLAY_MYSQL_URL)")
    .option("-n, --namespace <name>", "the namespace (default: REPLAY_NAMESPACE, or the only one)")
    .option("--table-prefix <prefix>", "table name prefix (default: replay_)")
    .option("--json", "print JSON for scripts instead of tables")
    .option("--codec-config <file>", "keys and payload store to read payloads with (default: REPLAY_CODEC_CONFIG)")
    .option("--show-secrets", "show the values of secret fields (hidden otherwise, even with the keys)")
    .option("--load-offloaded", "load offloaded payloads (shown by their size otherwise)")
    .addHelpText("after", HELP)
    .showHelpAfterError("(add --help for usage)")
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.out(text.trimEnd()), writeErr: (text) => io.err(text.trimEnd()) });
  addRunCommands(program.command("runs").description("list, inspect and change runs"), act);
  addScheduleCommands(
    program.command("schedules").description("list, pause, resume, trigger and delete schedules"),
    act,
  );
  program
    .command("signal")
    .description("send a signal (JSON message) to a run")
    .argument("<workflow>")
    .argument("<runId>")
    .argument("<signal>", "signal name")
    .argument("<json>", "the message, as JSON")
    .option("--id <externalId>", "external id: the signal is kept once per (run, signal, id)")
    .action(
      act((c, [workflow = "", runId = "", signal = "", message = ""], f) =>
        sendSignal(c, { workflow, runId, signal, message }, f),
      ),
    );
  addBulkCommand(program, act);
  program
    .command("ui")
    .description("serve the web inspector (runs, a run's timeline, live updates, actions with a token)")
    .option("--port <port>", "port to listen on", "7070")
    .option("--host <host>", "address to bind; keep 127.0.0.1 unless you put it behind your own auth", "127.0.0.1")
    .option(
      "--token <token>",
      "token for actions (cancel, resume, signal), 16 characters or more; default: a random one, printed",
    )
    .option(
      "--allow-host <name...>",
      "Host names it answers to besides 127.0.0.1 and localhost; needed (with --token) to bind another address",
    )
    .option(
      "--token-secret <secret...>",
      "serve POST /tokens/<id>?sig=... (signed links of tokenUrl) with these secrets, the first signing; or REPLAY_TOKEN_SECRET",
    )
    .addHelpText(
      "after",
      "\nWith --codec-config, pages opened with the token (the link it prints) show decrypted payloads;\nsecret fields stay hidden unless --show-secrets too. Without the token, encrypted payloads stay sealed.",
    )
    .action(act((c, _args, f) => serveInspector(c, f), true));
  return program;
}

function addRunCommands(runs: Command, act: Act): void {
  filterOptions(
    runs
      .command("list")
      .description("one page of runs, newest first (TAGS: key=value, key:=json)")
      .addHelpText("after", LIST_HELP),
  )
    .option("--limit <n>", "runs per page, 1..1000", "50")
    .option("--cursor <cursor>", "the next page, as printed after the previous one")
    .option("--oldest-first", "oldest runs first")
    .action(act((c, _args, f) => listRuns(c, f as ListFlags)));
  runs
    .command("count")
    .description("runs by status per workflow, and the running ones by state")
    .option("--workflow <name>")
    .option("--queue <name>")
    .option("--tag <key=value>", TAG_HELP, collect)
    .action(act((c, _args, f) => countRuns(c, f)));
  runs
    .command("show")
    .description("a run: status, input, result or error, what it waits for, its steps, its unconsumed signals")
    .argument("<workflow>")
    .argument("<runId>")
    .action(act((c, [workflow = "", runId = ""]) => showRunCommand(c, workflow, runId)));
  runs
    .command("history")
    .description("a run's events in log order (--json: the events array, as client.getHistory returns it)")
    .argument("<workflow>")
    .argument("<runId>")
    .option("--iteration <n>", 'an iteration number, or "all" (default: the current one)')
    .option("--fixture", "print a history file for replayHistory: { namespace, workflow, runId, events } as JSON")
    .option("--raw", "payloads as stored (encrypted ones stay ciphertext): for replayHistory with raw: true")
    .action(act((c, [workflow = "", runId = ""], f) => showHistory(c, workflow, runId, f)));
  runs
    .command("cancel")
    .description("ask a running run to stop")
    .argument("<workflow>")
    .argument("<runId>")
    .action(act((c, [workflow = "", runId = ""]) => cancelRun(c, workflow, runId)));
  runs
    .command("resume")
    .description("make a stuck run replay again (after a fix is deployed)")
    .argument("<workflow>")
    .argument("<runId>")
    .option("--version <version>", "pin it to workers of this code version")
    .action(act((c, [workflow = "", runId = ""], f) => resumeRun(c, workflow, runId, f)));
  runs
    .command("fork")
    .description("start a new run with the same input, reusing the recorded steps before --from-step")
    .argument("<workflow>")
    .argument("<runId>")
    .option("--new-run-id <id>", "id of the new run")
    .option("--from-step <n>", "first step to execute again (steps count from 0; see runs show)", "0")
    .option("--version <version>", "pin the new run to this code version")
    .option("--queue <name>", "the new run's queue (default: the source's; \"-\": the default queue)")
    .option("--priority <n>", "the new run's priority (default: the source's)")
    .action(act((c, [workflow = "", runId = ""], f) => forkRun(c, workflow, runId, f)));
  addRunControls(runs, act);
  runs
    .command("purge")
    .description("delete ended runs with their events, signals and retry rows, in short transactions")
    .option("--ended-before <time>", "a time before now (30d, 12h) or an ISO 8601 date")
    .option(
      "--status <status...>",
      "only these end statuses (default: completed failed cancelled; stuck only if named)",
    )
    .option("--batch-size <n>", "runs per round, 1..10000", "500")
    .action(act((c, _args, f) => purgeRuns(c, f)));
}

function addRunControls(runs: Command, act: Act): void {
  runs
    .command("pause")
    .description("take no new step until unpaused (a step already running finishes); signals still arrive")
    .argument("<workflow>")
    .argument("<runId>")
    .action(act((c, [workflow = "", runId = ""]) => pauseRun(c, workflow, runId)));
  runs
    .command("unpause")
    .description("let a paused run go on (timers that came due meanwhile fire now)")
    .argument("<workflow>")
    .argument("<runId>")
    .action(act((c, [workflow = "", runId = ""]) => unpauseRun(c, workflow, runId)));
  runs
    .command("terminate")
    .description("end a run that has not ended, a stuck one included, as terminated; aborts its activities")
    .argument("<workflow>")
    .argument("<runId>")
    .option("--reason <text>", `why, stored with the run (default: "${DEFAULT_TERMINATE_REASON}")`)
    .action(act((c, [workflow = "", runId = ""], f) => terminateRun(c, workflow, runId, f)));
  runs
    .command("reset")
    .description("start the run again under the same id, reusing the recorded steps before a step")
    .argument("<workflow>")
    .argument("<runId>")
    .option("--to-step <n>", "the first step to execute again (steps count from 0; see runs show)")
    .option("--first-failure", "go back to the first activity that failed for good or child that did not complete")
    .option("--version <version>", "pin it to workers of this code version (the one with the fix)")
    .action(act((c, [workflow = "", runId = ""], f) => resetRun(c, workflow, runId, f)));
}

function addBulkCommand(program: Command, act: Act): void {
  filterOptions(
    program
      .command("bulk")
      .description("do one action to every run the filter flags select, in resumable batches")
      .argument("<action>", BULK_ACTIONS.join(", "))
      .addHelpText("after", BULK_HELP),
  )
    .option("--batch-id <id>", "go on with a batch that was cut short (or name a new one); default: a new random id")
    .option("--yes", "act without asking (for scripts)")
    .option("--signal <name>", "signal: the signal to send (each run gets it once)")
    .option("--message <json>", "signal: the message, as JSON")
    .option("--to-step <n>", "reset: the first step to execute again")
    .option("--first-failure", "reset: each run's first failing step (the default)")
    .option("--pin-version <version>", "resume, reset: pin the runs to this code version (--version filters)")
    .option("--reason <text>", "terminate: why, stored with each run")
    .action(act((c, [action = ""], f) => bulkAction(c, action, f)));
}

function addScheduleCommands(schedules: Command, act: Act): void {
  schedules
    .command("list")
    .description("schedules with their next tick")
    .action(act((c) => listSchedules(c)));
  schedules
    .command("delete")
    .description("delete a schedule (the runs it started are kept); asks first unless --yes")
    .argument("<id>")
    .option("--yes", "delete without asking (for scripts)")
    .action(act((c, [id = ""], f) => deleteSchedule(c, id, f)));
  for (const change of ["pause", "resume", "trigger"] as const) {
    const what = { pause: "stop its ticks", resume: "tick again from the next tick", trigger: "start one run now" };
    schedules
      .command(change)
      .description(what[change])
      .argument("<id>")
      .action(act((c, [id = ""]) => changeSchedule(c, change, id)));
  }
}
