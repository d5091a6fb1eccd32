import { defineConfig } from "vitest/config";

// Unit tests of the page's model and charts, and the check that the embedded bundle is up to date.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
  },
});
