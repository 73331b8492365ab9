import { defineConfig } from "vitest/config";

// Three tiers, run in this order by `npm test`:
// - `unit`: no engine and no processes (a setup file makes spawning one fail the test); in-process,
//   in seconds, with vitest's default timeouts. `npm run check` runs it.
// - `engine`: the real Docker engine, the CLI as a process (dist/bundle/wheelwright.js, the bundle the bin runs).
// - `e2e`: the packed tarball installed into a temporary prefix, run as a user would.
// The engine and e2e tiers share one run (test/support/global-setup.ts): run-named images and a
// per-run namespace, all removed at the end, and what a killed earlier run left removed first.
const TIER = {
  testTimeout: 15 * 60_000,
  hookTimeout: 15 * 60_000,
  globalSetup: ["test/support/global-setup.ts"],
  pool: "forks" as const,
};
// Engine test files run two at a time (WHEELWRIGHT_TEST_FORKS to change it): most of a file's time
// is the engine's and pip's, not this process's, so two files overlap on a 2-core machine. Each
// fork has its own project namespace (test/support/test-run.ts), so no two files share a project's
// images, cache volume or containers. The forks pool's size is the root config's (below): vitest
// reads maxForks from there, never from a project, and its default is one fork less than the CPUs,
// which on this 2-core machine kind ran the engine files one at a time.
const ENGINE_FORKS = Math.max(1, Number(process.env.WHEELWRIGHT_TEST_FORKS ?? 2) || 1);
const ENGINE_TIER = { ...TIER, poolOptions: { forks: { singleFork: ENGINE_FORKS === 1 } } };
// WHEELWRIGHT_TEST_REPORT=<file>: vitest's JSON report is written there too (each file's start
// and end time), to see where a run's time went; .ci/run's output is the default reporter's either way.
const REPORT = process.env.WHEELWRIGHT_TEST_REPORT;
// The e2e tier installs one packed tool and runs the README's blocks: one file at a time.
const E2E_TIER = { ...TIER, poolOptions: { forks: { singleFork: true } } };

export default defineConfig({
  test: {
    reporters: REPORT ? ["default", ["json", { outputFile: REPORT }]] : ["default"],
    // The unit tier (the only one in threads) runs its files without isolation: they share each
    // worker's modules, where loading them afresh for every file was two thirds of the tier's time.
    // A file that mocks a module imports what uses it afresh itself (builder-output-full-disk.test.ts),
    // and no file may leave global state (env, cwd, timers) changed. vitest takes a pool's isolation
    // from the root config, not a project's.
    poolOptions: { threads: { isolate: false }, forks: { maxForks: ENGINE_FORKS, minForks: 1 } },
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          setupFiles: ["test/support/no-processes.ts", "test/support/unit-tmp.ts"],
          // Worker threads start faster than forks (the tier spawns nothing, so it needs no process of its own).
          // Not isolated (the root's poolOptions.threads): see there.
          pool: "threads",
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
          ...E2E_TIER,
        },
      },
    ],
  },
});
