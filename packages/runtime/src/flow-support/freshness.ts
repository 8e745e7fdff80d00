import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";

/** What a generated `replay_gen.ts` was made from; replaygen writes it into the file. */
export interface GeneratedFrom {
  /** The manifest, relative to its package's folder: "src/replay.ts". */
  readonly manifest: string;
  /** manifestHash() of the manifest's text when the file was generated. */
  readonly sha256: string;
  /** The command that regenerates the file, run in the package's folder: "npx replaygen src/replay.ts". */
  readonly command: string;
}

/** The process warning's code, for `process.on("warning")` filters. */
export const STALE_GENERATED_WARNING = "REPLAYKIT_STALE_GENERATED_FILE";

/**
 * The hash replaygen records of a manifest: sha256 (hex) of its text with `\n` line ends, so a
 * checkout with Windows line ends does not count as a change. replaygen computes the same.
 */
export function manifestHash(text: string): string {
  return createHash("sha256").update(text.replace(/\r\n/g, "\n")).digest("hex");
}

/** Manifests already compared by this process, by path and recorded hash: each is read once. */
const checked = new Set<string>();

/**
 * Warns once per process (a Node process warning, code STALE_GENERATED_WARNING) when the
 * manifest a generated file was made from has changed since: it was edited and `replaygen`
 * not run again, so the generated API lacks what was added. Called by the generated worker
 * starter and Flow mocks. The manifest is looked up from the working directory, which npm
 * scripts and test runners set to the package's folder; where it is not found (another
 * directory, an image without sources) nothing is checked. Costs one read of the manifest.
 */
export function warnIfStale(from: GeneratedFrom, cwd: string = process.cwd()): void {
  const manifestPath = path.resolve(cwd, from.manifest);
  const key = `${manifestPath}\0${from.sha256}`;
  if (checked.has(key)) return;
  checked.add(key);
  let text: string;
  try {
    text = readFileSync(manifestPath, "utf8");
  } catch {
    return;
  }
  if (manifestHash(text) === from.sha256) return;
  process.emitWarning(
    `the generated file beside ${from.manifest} is stale: the manifest changed after it was generated, so its typed API may lack what was added. Run: ${from.command} (and \`replaygen --check\` in CI)`,
    { code: STALE_GENERATED_WARNING },
  );
}
