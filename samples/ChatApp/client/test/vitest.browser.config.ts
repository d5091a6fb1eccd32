import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The ChatApp in headless Chromium (playwright-core driving the system browser, CHROMIUM_PATH or
// /usr/bin/chromium). The global setup builds the app if needed and runs it on a free port.
export default defineConfig({
  root: fileURLToPath(new URL("..", import.meta.url)),
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/globalSetup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
