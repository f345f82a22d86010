import { defineConfig } from "vitest/config";

// Two projects, run by two invocations in `npm test` so nothing runs twice: "unit" (test/unit, fast, files in
// parallel, measured for coverage of src/) and "system" (integration + end-to-end: they share one machine's
// kernel and spawn NetworkManager, so files run one at a time, without coverage).
export default defineConfig({
  test: {
    coverage: {
      provider: "v8",
      include: ["src/**/*.ts"],
      reporter: ["text-summary", "text"],
      // A drop below these fails `npm test` (unit coverage of src/ was 94.1 % of lines after issue 13; raise them, never lower).
      thresholds: { lines: 90, statements: 90, functions: 90, branches: 85 },
    },
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: "system",
          include: ["test/integration/**/*.test.ts", "test/e2e/**/*.test.ts"],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
