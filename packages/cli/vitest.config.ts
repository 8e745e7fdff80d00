import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"] } },
  test: {
    // One throwaway MariaDB for the replaykit and inspector tests (or REPLAY_MYSQL_URL).
    globalSetup: ["./test/global-setup.ts"],
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // The app of the consumer test runs its own tests in a fresh folder (consumer.test.ts).
    exclude: ["test/consumer-app/**", "**/node_modules/**"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
