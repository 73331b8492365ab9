// Whether the engine tests can run, and what the engine holds of a project. In CI (or with
// WHEELWRIGHT_REQUIRE_ENGINE=1) a missing engine is a failure, never a silent skip.
import { execaSync } from "execa";
import { testRun } from "./test-run.js";

export { engineRequired } from "./run-facts.js";

/**
 * For `describe.skipIf`: true (skip) only when no engine answers and none is required. The global
 * setup already failed the run when one is required and missing.
 */
export function engineOrSkip(): boolean {
  return !testRun().engine;
}

/** Containers of a project still on the engine (running or not). */
export function containersOf(project: string): string[] {
  const result = execaSync("docker", [
    "ps",
    "-a",
    "--format",
    "{{.Names}}",
    "--filter",
    `label=io.wheelwright.project=${project}`,
  ]);
  return String(result.stdout)
    .split("\n")
    .filter((line) => line.trim() !== "");
}

export function imageExists(ref: string): boolean {
  return execaSync("docker", ["image", "inspect", ref], { reject: false }).exitCode === 0;
}
