import { defineConfig } from "vitest/config";

// Not a test suite: prints fan-out figures (bench/fanout.bench.ts). test.sh does not run it.
export default defineConfig({
  test: {
    include: ["bench/**/*.bench.ts"],
    testTimeout: 300_000,
  },
});
