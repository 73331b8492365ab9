// Pure decision of what a build must do, from this run's fingerprints and the previous manifest.
import type { Manifest } from "../domain/manifest.js";

export type BuildMode =
  | { kind: "up-to-date"; reason: string }
  | { kind: "app-only"; reason: string; previous: Manifest; reuseFrom: "wheelhouse" | "store" }
  | { kind: "full"; reason: string };

export interface Fingerprints {
  fingerprint: string;
  dependencyFingerprint: string;
}

export function chooseBuildMode(
  current: Fingerprints,
  previous: Manifest | undefined,
  previousIntact: boolean,
  force: boolean,
): BuildMode {
  if (force) return { kind: "full", reason: "--force" };
  if (previous === undefined) return { kind: "full", reason: "no previous wheelhouse" };
  if (!previousIntact) return { kind: "full", reason: "the previous wheelhouse does not match its manifest" };
  if (previous.inputs.fingerprint === current.fingerprint)
    return { kind: "up-to-date", reason: "inputs unchanged" };
  if (previous.inputs.dependencyFingerprint === current.dependencyFingerprint) {
    return {
      kind: "app-only",
      reason: "only the application's own code changed",
      previous,
      reuseFrom: "wheelhouse",
    };
  }
  return { kind: "full", reason: "the dependency inputs changed" };
}
