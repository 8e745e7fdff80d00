import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["check/**/*.test.ts"],
    testTimeout: 60_000,
  },
});
