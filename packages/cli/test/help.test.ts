import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Runs a bin of the built package as a user's shell would (turbo builds it before the tests). */
function runBin(bin: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [path.join(PACKAGE_ROOT, "bin", `${bin}.js`), ...args], {
    encoding: "utf8",
    cwd: PACKAGE_ROOT,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe.each([
  ["replaygen", "Usage: replaygen [options] [command] [manifests...]"],
  ["replaykit", "Usage: replaykit [options] [command]"],
])("%s --help", (bin, usage) => {
  it("prints the usage to stdout, so `--help | head` shows it, and nothing to stderr", () => {
    const result = runBin(bin, ["--help"]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout.split("\n")[0]).toBe(usage);
  });
});

describe.each(["replaygen", "replaykit"])("%s --help | head -1", (bin) => {
  it("prints one line and no EPIPE error when the reader closes the pipe early", () => {
    const script = `node ${JSON.stringify(path.join(PACKAGE_ROOT, "bin", `${bin}.js`))} --help | head -1`;
    const result = spawnSync("sh", ["-c", script], { encoding: "utf8", cwd: PACKAGE_ROOT });
    expect(result.stdout).toBe(`Usage: ${bin} [options] [command]${bin === "replaygen" ? " [manifests...]" : ""}\n`);
    expect(result.stderr).toBe("");
    // A reader that exits before the help is written: the write fails with EPIPE, always.
    const closed = spawnSync("sh", ["-c", script.replace("| head -1", "| true")], { encoding: "utf8" });
    expect(closed.stderr).toBe("");
  });
});

describe("replaygen", () => {
  it("prints a usage error to stderr, not stdout, and exits 2", () => {
    const result = runBin("replaygen", ["--no-such-option"]);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("unknown option '--no-such-option'");
    expect(result.status).toBe(2);
  });

  it("prints the help of init to stdout", () => {
    const result = runBin("replaygen", ["init", "--help"]);
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain("Usage: replaygen init");
  });
});

describe("replaykit runs list --help", () => {
  it("says that the footer and its next-page cursor go to stderr, and the rows alone to stdout", () => {
    const result = runBin("replaykit", ["runs", "list", "--help"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(
      'the footer ("3 runs; next page: add --cursor ...") and "no runs ...\nmatch" go to stderr',
    );
    expect(result.stdout).toContain("With --json, stdout has the whole page: { runs, nextCursor }.");
    const top = runBin("replaykit", ["--help"]);
    expect(top.stdout).toContain("counts, next-page cursors, progress and\nerrors on stderr");
  });
});
