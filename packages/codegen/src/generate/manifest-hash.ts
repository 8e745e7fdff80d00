import { createHash } from "node:crypto";

/**
 * The hash a generated file records of its manifest: sha256 (hex) of the text with `\n` line
 * ends. It must equal the runtime's `manifestHash` (runtime/src/flow-support/freshness.ts), which
 * the generated code's warnIfStale compares it with.
 */
export function manifestHash(text: string): string {
  return createHash("sha256").update(text.replace(/\r\n/g, "\n")).digest("hex");
}
