// The test run as the tests see it (given by test/support/global-setup.ts): everything they make
// on the engine is named after the run (a per-run namespace for fixture projects and polls copies,
// run-named test images carrying a run label), so the global teardown removes exactly that.
import { inject } from "vitest";
import type { TestRun } from "./run-facts.js";

export { RUN_LABEL, type TestRun } from "./run-facts.js";

declare module "vitest" {
  export interface ProvidedContext {
    wheelwrightTestRun: TestRun;
  }
}

export function testRun(): TestRun {
  const run = inject("wheelwrightTestRun");
  if (run === undefined) {
    throw new Error(
      "no test run: this helper serves the engine and e2e tiers (test/support/global-setup.ts)",
    );
  }
  // Engine files run in parallel forks: each fork gets its own namespace under the run's (the
  // run id stays in it, so the teardown's sweep still finds everything), so two files never build
  // the same project (polls copies share their name) at once.
  const pool = process.env.VITEST_POOL_ID;
  return pool === undefined || pool === "1" ? run : { ...run, namespace: `${run.namespace}-w${pool}` };
}
