import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // the console's browser tests run in their own stage (tests/e2e/vitest.config.ts)
    exclude: ["tests/e2e/**", "**/node_modules/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests share one database and one functions server.
    fileParallelism: false,
  },
});
