import { defineConfig } from "vitest/config";

// Two tiers: `unit` needs no engine and runs in `npm run check`; `engine` drives the real
// Docker engine and the packed CLI. `npm test` runs both.
export default defineConfig({
  test: {
    projects: [
      { test: { name: "unit", include: ["test/unit/**/*.test.ts"] } },
      {
        test: {
          name: "engine",
          include: ["test/engine/**/*.test.ts"],
          testTimeout: 15 * 60_000,
          hookTimeout: 15 * 60_000,
          // The engine tests share one daemon and a 2-core machine: one file at a time.
          pool: "forks",
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
