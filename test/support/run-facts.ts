// What the global setup (main vitest process) and the tests (workers) both need to know about a
// test run, with no vitest import: the global setup runs outside the test workers' context.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { execaSync } from "execa";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export interface TestRun {
  id: string;
  /** Image namespace of every fixture project and polls copy of this run: `wwtest-<id>`. */
  namespace: string;
  /** Folder under which the run's projects, caches and prefixes are made (removed at the end). */
  tempRoot: string;
  /** Images the fixture projects build FROM (the polls example's base and builder), run-named. */
  baseImage: string;
  builderImage: string;
  /** False when no engine answers and none is required: engine tests skip. */
  engine: boolean;
}

/** The label the run's own images carry; images built FROM them inherit it. */
export const RUN_LABEL = "io.wheelwright.test-run";
/** What every engine object of a test run has in its name or labels: `wwtest-<run id>`. */
export const RUN_PREFIX = "wwtest-";
/**
 * A run id is 13 lowercase letters and digits, so `wwtest-<id>` is not mistaken for a name of
 * another suite's (`wwtest-broken`, the pip cache volume of a project `wwtest/broken`).
 */
export const RUN_ID_PATTERN = /wwtest-([a-z0-9]{13})(?![a-z0-9])/;

/** A new run id: the time (base 36, so ids sort by age) and four random characters. */
export function newTestRunId(now: number, random: (max: number) => number): string {
  const suffix = Array.from({ length: 4 }, () => random(36).toString(36)).join("");
  return `${now.toString(36).padStart(9, "0")}${suffix}`;
}

export function engineAnswers(): boolean {
  return (
    execaSync("docker", ["version", "--format", "{{.Server.Version}}"], { reject: false, timeout: 15_000 })
      .exitCode === 0
  );
}

/** In CI (or with WHEELWRIGHT_REQUIRE_ENGINE=1) a missing engine or prerequisite fails, never skips. */
export const engineRequired = process.env.WHEELWRIGHT_REQUIRE_ENGINE === "1" || process.env.CI === "true";
