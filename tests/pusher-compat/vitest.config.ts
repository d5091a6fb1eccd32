import { defineConfig } from "vitest/config";

// The Pusher protocol endpoint against real server processes (tests/SignalRChannels.TestServer --pusher true): an
// in-memory node, a node with short activity timeouts, and two nodes of one Redis cluster (REDIS_URL).
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/globalSetup.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
