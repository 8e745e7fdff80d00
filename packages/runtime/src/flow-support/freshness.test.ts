import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { manifestHash, STALE_GENERATED_WARNING, warnIfStale } from "./freshness.js";

const dir = mkdtempSync(path.join(tmpdir(), "replaykit-fresh-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

/** A package folder with `src/replay.ts` (unless `manifest` is undefined). */
function packageWith(name: string, manifest: string | undefined): string {
  const folder = path.join(dir, name);
  mkdirSync(path.join(folder, "src"), { recursive: true });
  if (manifest !== undefined) writeFileSync(path.join(folder, "src", "replay.ts"), manifest);
  return folder;
}

const from = (sha256: string) => ({ manifest: "src/replay.ts", sha256, command: "npx replaygen src/replay.ts" });

describe("manifestHash", () => {
  it("is the sha256 of the text with \\n line ends", () => {
    expect(manifestHash("a\r\nb\n")).toBe(manifestHash("a\nb\n"));
    expect(manifestHash("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(manifestHash("a")).not.toBe(manifestHash("b"));
  });
});

describe("warnIfStale", () => {
  it("warns once, naming the manifest and the command, when the manifest changed after generation", () => {
    const warn = vi.spyOn(process, "emitWarning").mockImplementation(() => {});
    const cwd = packageWith("changed", "export default defineNamespace({ name: 'b' });\n");
    const recorded = from(manifestHash("export default defineNamespace({ name: 'a' });\n"));
    warnIfStale(recorded, cwd);
    warnIfStale(recorded, cwd);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(
      "the generated file beside src/replay.ts is stale: the manifest changed after it was generated, so its typed API may lack what was added. Run: npx replaygen src/replay.ts (and `replaygen --check` in CI)",
      { code: STALE_GENERATED_WARNING },
    );
  });

  it("stays quiet when the manifest is the one the file was generated from, also with CRLF line ends", () => {
    const warn = vi.spyOn(process, "emitWarning").mockImplementation(() => {});
    warnIfStale(from(manifestHash("a\nb\n")), packageWith("same", "a\r\nb\n"));
    expect(warn).not.toHaveBeenCalled();
  });

  it("does nothing where the manifest is not found from the working directory", () => {
    const warn = vi.spyOn(process, "emitWarning").mockImplementation(() => {});
    warnIfStale(from("0"), packageWith("no-sources", undefined));
    expect(warn).not.toHaveBeenCalled();
  });
});
