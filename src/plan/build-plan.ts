// Pure decision of what a build must do, from this run's fingerprints and the previous manifest,
// with the reason naming the input that changed.
import type { Manifest } from "../domain/manifest.js";

/** Each input of a build, fingerprinted on its own (short hashes, or the value when short). */
export interface FingerprintParts {
  tool: string;
  builder: string;
  index: string;
  localIndexes: string;
  /** The dependency spec: pyproject.toml (without [tool.wheelwright]), setup.py, setup.cfg, requirements files. */
  spec: string;
  /** Every file of the source. */
  source: string;
  sourceDateEpoch: string;
  /** The sets asked for, space-separated (`runtime extra:test`). */
  sets: string;
  /** For a version read from git (setuptools-scm, hatch-vcs): the commit, which decides it. */
  scm?: string;
}

export interface Fingerprints {
  fingerprint: string;
  dependencyFingerprint: string;
  parts: FingerprintParts;
}

export type BuildMode =
  | { kind: "up-to-date"; reason: string }
  | {
      kind: "app-only";
      reason: string;
      previous: Manifest;
      reuseFrom: "wheelhouse" | "store";
      /** The sets to keep from the previous wheels (a smaller set reuses them, relabelled). */
      sets: readonly string[];
    }
  | { kind: "full"; reason: string };

const PART_NAMES: Record<keyof FingerprintParts, string> = {
  tool: "wheelwright's version",
  builder: "the builder image",
  index: "the index settings",
  localIndexes: "a local index or find-links folder",
  spec: "the dependency spec (pyproject.toml, setup.py, setup.cfg, a requirements or lock file)",
  source: "the application's code",
  sourceDateEpoch: "the commit time (SOURCE_DATE_EPOCH)",
  sets: "the sets asked for",
  scm: "the commit the version is read from (setuptools-scm)",
};

/** Which inputs differ from the previous build's, in words. */
export function changedInputs(
  current: FingerprintParts,
  previous: Partial<FingerprintParts> | undefined,
): string[] {
  if (previous === undefined) return ["the inputs (the previous wheelhouse predates per-input fingerprints)"];
  const changed = (Object.keys(PART_NAMES) as (keyof FingerprintParts)[]).filter(
    (key) => current[key] !== previous[key],
  );
  // The source includes the spec files: name the spec alone when it is what changed.
  const named = changed.includes("spec") ? changed.filter((key) => key !== "source") : changed;
  return named.map((key) =>
    key === "sets" ? `${PART_NAMES.sets} (${previous.sets} -> ${current.sets})` : PART_NAMES[key],
  );
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
  const changed = changedInputs(current.parts, previous.inputs.parts);
  const wanted = current.parts.sets.split(" ");
  const had = new Set(previous.inputs.parts?.sets.split(" ") ?? []);
  if (
    previous.inputs.dependencyFingerprint === current.dependencyFingerprint &&
    wanted.every((set) => had.has(set))
  ) {
    return {
      kind: "app-only",
      reason: `${changed.join(", ")} changed: the app's wheel is rebuilt, the dependency wheels reused`,
      previous,
      reuseFrom: "wheelhouse",
      sets: wanted,
    };
  }
  return { kind: "full", reason: `${changed.join(", ")} changed` };
}
