import { defineConfig } from "vitest/config";

// The browser bundle in headless Chromium (playwright-core driving the system browser, CHROMIUM_PATH or
// /usr/bin/chromium), against a test server started by the global setup. Files are *.spec.ts so the unit
// config (test/**/*.test.ts) does not pick them up.
export default defineConfig({
  test: {
    include: ["test/browser/**/*.spec.ts"],
    globalSetup: ["test/browser/support/globalSetup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
