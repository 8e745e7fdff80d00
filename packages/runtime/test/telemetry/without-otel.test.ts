import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** tsx resolves from the repository root's node_modules. */
const REPO_ROOT = path.resolve(HERE, "..", "..", "..", "..");

function runWithoutOtel(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const args = [
    "--import",
    "tsx",
    "--import",
    path.join(HERE, "hide-otel.mjs"),
    path.join(HERE, "without-otel-main.ts"),
  ];
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, stdout, stderr })));
}

it("runs workflows when @opentelemetry/api is not installed, and names the packages a metrics endpoint needs", async () => {
  const { code, stdout, stderr } = await runWithoutOtel();
  expect(stderr).toBe("");
  expect(code).toBe(0);
  expect(JSON.parse(stdout)).toEqual({
    apiLoaded: false,
    result: { doubled: 42, extra: "yes" },
    metricsError: expect.stringMatching(
      /^TELEMETRY_UNAVAILABLE: .*npm install @opentelemetry\/api @opentelemetry\/sdk-metrics @opentelemetry\/exporter-prometheus$/,
    ),
  });
});
