import { defineConfig } from "vitest/config";

// Three tiers, run in this order by `npm test`:
// - `unit`: no engine and no processes (a setup file makes spawning one fail the test); in-process,
//   in seconds, with vitest's default timeouts. `npm run check` runs it.
// - `engine`: the real Docker engine, the CLI as a process (dist/cli/main.js).
// - `e2e`: the packed tarball installed into a temporary prefix, run as a user would.
// The engine and e2e tiers share one run (test/support/global-setup.ts): run-named images and a
// per-run namespace, all removed at the end, and what a killed earlier run left removed first.
const ENGINE_TIER = {
  testTimeout: 15 * 60_000,
  hookTimeout: 15 * 60_000,
  globalSetup: ["test/support/global-setup.ts"],
  // The engine tests share one daemon and a 2-core machine: one file at a time.
  pool: "forks" as const,
  poolOptions: { forks: { singleFork: true } },
};

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          setupFiles: ["test/support/no-processes.ts"],
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: "engine",
          include: ["test/engine/**/*.test.ts"],
          sequence: { groupOrder: 1 },
          ...ENGINE_TIER,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          sequence: { groupOrder: 2 },
          ...ENGINE_TIER,
        },
      },
    ],
  },
});
