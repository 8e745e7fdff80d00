import { createHash } from "node:crypto";

/**
 * The hash a generated file records of its manifest: sha256 (hex) of the text with `\n` line
 * ends. It must equal the runtime's `manifestHash`, which the generated code's warnIfStale
 * compares it with (test/freshness.test.ts checks that the two agree).
 */
export function manifestHash(text: string): string {
  return createHash("sha256").update(text.replace(/\r\n/g, "\n")).digest("hex");
}
