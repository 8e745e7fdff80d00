import { Command, CommanderError } from "commander";
import { EXIT, exitCodesHelp } from "../shared/exit-codes.js";
import { defaultCacheDir } from "./cache-dir.js";
import { runCheck, runGenerate } from "./commands/generate.js";
import { runInit } from "./commands/init.js";
import { runWatch } from "./commands/watch.js";
import type { Io } from "./io.js";

const HELP = `
Examples:
  npx replaygen src/replay.ts            generate src/replay_gen.ts
  npx replaygen --check src/replay.ts    fail when src/replay_gen.ts is stale (CI)
  npx replaygen --watch src/replay.ts    regenerate on every change
  npx replaygen init                     scaffold src/: manifest, activities, workflow, its test, worker, start.ts

${exitCodesHelp("replaygen")}`;

/**
 * Runs replaygen with `argv` (without the node and script entries).
 * Resolves to the exit code; progress and errors go to `io.err` (stderr by default), --help to `io.out` (stdout).
 */
export async function main(argv: readonly string[], io: Io = defaultIo()): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command("replaygen")
    .description("Generate typed replaykit code (replay_gen.ts) from namespace manifests.")
    .argument("[manifests...]", "manifest files (.ts) that default-export defineNamespace(...)")
    .option("--check", "write nothing; exit 1 naming each stale file and the command that fixes it")
    .option("--watch", "regenerate whenever a .ts file beside a manifest changes")
    .addHelpText("after", HELP)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => (io.out ?? writeStdout)(text.trimEnd()),
      writeErr: (text) => io.err(text.trimEnd()),
    })
    .action(async (manifests: string[], options: { check?: boolean; watch?: boolean }) => {
      exitCode = await runMain(manifests, options, io);
    });
  program
    .command("init")
    .description(
      "scaffold a namespace: manifest (replay.ts), types, activities, a workflow, its unit test, a worker entry point and start.ts (one run, end to end)",
    )
    .argument("[dir]", "folder to write them to (created when missing; nothing is overwritten)", "src")
    .action((dir: string) => {
      exitCode = runInit(dir, io);
    });
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    throw error;
  }
}

async function runMain(manifests: string[], options: { check?: boolean; watch?: boolean }, io: Io): Promise<number> {
  if (manifests.length === 0) {
    io.err("replaygen: name at least one manifest, e.g. npx replaygen src/replay.ts (see --help)");
    return EXIT.usage;
  }
  if (options.check === true && options.watch === true) {
    io.err("replaygen: --check and --watch cannot be combined");
    return EXIT.usage;
  }
  if (options.check === true) return runCheck(manifests, io);
  if (options.watch === true) return runWatch(manifests, io);
  return runGenerate(manifests, io);
}

function writeStdout(line: string): void {
  process.stdout.write(`${line}\n`);
}

function defaultIo(): Io {
  const err = (line: string) => process.stderr.write(`${line}\n`);
  return { cwd: process.cwd(), err, out: writeStdout, cacheDir: defaultCacheDir(import.meta.dirname) };
}
