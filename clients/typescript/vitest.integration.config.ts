import { defineConfig } from "vitest/config";

// Tests of the real client against real servers: the global setup builds tests/SignalRChannels.TestServer if
// needed and starts an in-memory node and two Redis nodes (REDIS_URL, default 127.0.0.1:6379).
export default defineConfig({
  test: {
    include: ["test/integration/**/*.test.ts"],
    globalSetup: ["test/integration/support/globalSetup.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
