// The workflows' outcomes as the `result` events a CI summary is made of (render/summary.ts).
import { readFileSync } from "node:fs";
import { junitCounts } from "../domain/junit-counts.js";
import type { RunResult } from "../run-result.js";
import type { BuildOutcome } from "../workflows/build-wheelhouse.js";
import type { PublishedManifestList } from "../workflows/push-families.js";
import type { ReleaseResult } from "../workflows/release-image.js";
import type { TestResult } from "../workflows/run-tests.js";

export function buildResult(outcome: BuildOutcome): RunResult {
  return {
    command: "build",
    status: outcome.status,
    reason: outcome.mode.reason,
    wheels: outcome.manifest.wheels.map(({ name, version, filename, size, origin }) => ({
      name,
      version,
      filename,
      size,
      origin,
    })),
  };
}

/** With a JUnit report, its counts too (a report that cannot be read only leaves them out). */
export function testResult(result: TestResult): RunResult {
  let counts: ReturnType<typeof junitCounts>;
  if (result.junit !== undefined) {
    try {
      counts = junitCounts(readFileSync(result.junit, "utf8"));
    } catch {
      counts = undefined;
    }
  }
  return {
    command: "test",
    app: result.app,
    testLine: result.testLine,
    ...(result.outcome === "no-tests" ? { noTests: true as const } : {}),
    ...(result.junit === undefined ? {} : { junit: result.junit }),
    ...(counts === undefined ? {} : { counts }),
  };
}

export function releaseResult(result: ReleaseResult): RunResult {
  const { image, tags, sizeBytes, user, sbom } = result;
  const facts = { path: sbom.path, wheels: sbom.wheels, debianPackages: sbom.debianPackages };
  return { command: "release", image, tags: [...tags], sizeBytes, user, sbom: facts };
}

/** `push` reports `reference@digest` for each image it pushed. */
export function pushResult(
  pushed: readonly string[],
  lists: readonly PublishedManifestList[] = [],
): RunResult {
  return {
    command: "push",
    pushed: pushed.map((entry) => {
      const at = entry.lastIndexOf("@");
      return { reference: entry.slice(0, at), digest: entry.slice(at + 1) };
    }),
    ...(lists.length === 0
      ? {}
      : {
          lists: lists.map(({ name, digest, members }) => ({
            name,
            digest,
            members: members.map(({ platform, digest: member }) => ({ platform, digest: member })),
          })),
        }),
  };
}
