import { defineConfig } from "vitest/config";

// Tests against a real SignalRChannels server (set CHANNELS_URL); none are written yet.
export default defineConfig({
  test: {
    include: ["test/integration/**/*.test.ts"],
    passWithNoTests: true,
    testTimeout: 30_000,
  },
});
