import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // the Crawlee reporter imports the client by its package name, as a published package does
    alias: {
      "@scrape-ops/report-client": fileURLToPath(new URL("./clients/report-client/src/index.ts", import.meta.url)),
    },
  },
  test: {
    include: ["tests/**/*.test.ts", "clients/*/test/**/*.test.ts"],
    // the console's browser tests run in their own stage (tests/e2e/vitest.config.ts)
    exclude: ["tests/e2e/**", "**/node_modules/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests share one database and one functions server.
    fileParallelism: false,
  },
});
