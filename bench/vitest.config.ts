import { defineConfig } from "vitest/config";

// Unit tests of the bench's pure logic (src/**/*.test.ts); the workloads themselves are
// exercised by `--quick`, which the package's test script runs after them.
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
  },
});
