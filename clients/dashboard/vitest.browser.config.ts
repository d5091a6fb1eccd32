import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The dashboard in headless Chromium (playwright-core driving the system browser, CHROMIUM_PATH or /usr/bin/chromium)
// against two test-server nodes on one Redis (REDIS_URL), started by the global setup. The scenario's clients are the
// TypeScript client from its sources.
export default defineConfig({
  resolve: {
    alias: { "@signalr-channels/client": fileURLToPath(new URL("../typescript/src/index.ts", import.meta.url)) },
  },
  test: {
    include: ["test/browser/**/*.spec.ts"],
    globalSetup: ["test/browser/support/globalSetup.ts"],
    testTimeout: 45_000,
    hookTimeout: 60_000,
  },
});
