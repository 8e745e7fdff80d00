/**
 * Ends the process quietly when stdout's reader has gone (`replaygen --help | head -1` closes
 * the pipe after one line): EPIPE on stdout is the reader's choice, not an error. Any other
 * stdout error is still thrown.
 */
export function exitQuietlyOnClosedStdout(): void {
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}
