// The manifest written beside the wheels, and the hash-pinned requirements the release installs.
import type { DeclaredLicense } from "./declared-license.js";
import { compareText } from "./text-order.js";

/** 2: every wheel carries its Requires-Dist and declared license (the SBOM is made from them). */
export const MANIFEST_SCHEMA_VERSION = 2;
export const MANIFEST_FILE = "manifest.json";
export const REQUIREMENTS_FILE = "requirements.txt";

export interface ManifestWheel {
  name: string;
  version: string;
  filename: string;
  size: number;
  sha256: string;
  origin: "built" | "fetched";
  /** Which requested sets needed it: `runtime`, `extra:test`, `group:dev`, `requirements:dev.txt`. */
  sets: string[];
  /** For a wheel built from an sdist: that sdist (a lock written from the wheelhouse names it). */
  sdist?: { name: string; sha256: string; url?: string; path?: string };
  /**
   * Its METADATA's Requires-Dist and license, read when the wheel was verified: kept so that a
   * wheel reused from before (app-only builds, the result store) needs no second reading for the SBOM.
   */
  requires: string[];
  license: DeclaredLicense;
}

export interface ManifestInputs {
  /** Everything that determines the result; equal means "up to date". */
  fingerprint: string;
  /** Everything but the application's own code; equal means the dependency wheels can be reused. */
  dependencyFingerprint: string;
  builder: string;
  extras: string[];
  groups: string[];
  requirements: string[];
  sourceDateEpoch: number | undefined;
  /** Each input's own fingerprint, so the next build can say which one changed. */
  parts?: import("../plan/build-plan.js").FingerprintParts;
}

export interface Manifest {
  schemaVersion: typeof MANIFEST_SCHEMA_VERSION;
  tool: string;
  inputs: ManifestInputs;
  app: { name: string; version: string; filename: string; requires: string[] };
  wheels: ManifestWheel[];
  /** Set by `build --check-reproducible`: a second build under other conditions gave the same bytes. */
  reproducible?: { checked: true; conditions: string[] };
  /** The target the wheelhouse was built for (issue 14), and its platform when it declares one. */
  target?: { name: string; platform?: string };
}

/** The manifest's `target` for a target's view (nothing without one). */
export function manifestTarget(
  target: { name: string; platform: string | undefined } | undefined,
): Pick<Manifest, "target"> {
  if (target === undefined) return {};
  return {
    target: { name: target.name, ...(target.platform === undefined ? {} : { platform: target.platform }) },
  };
}

/** The helper's report.json, as it writes it. */
export interface HelperReport {
  app: string;
  extras: string[];
  groups: string[];
  wheels: (ManifestWheel & { folder: string; requires: string[] })[];
}

export function requirementsText(manifest: Manifest): string {
  const lines = manifest.wheels
    .filter((wheel) => wheel.sets.includes("runtime"))
    .sort((a, b) => compareText(a.name, b.name))
    .map((wheel) => `${wheel.name}==${wheel.version} \\\n    --hash=sha256:${wheel.sha256}`);
  return `# The runtime set of ${manifest.app.name} ${manifest.app.version}, pinned by hash (written by wheelwright).\n# Install with: pip install --no-index --find-links . --require-hashes -r ${REQUIREMENTS_FILE}\n${lines.join("\n")}\n`;
}

/** Checks a manifest read from disk has the shape this version writes; anything else is not reused. */
export function isManifest(value: unknown): value is Manifest {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Partial<Manifest>;
  return (
    candidate.schemaVersion === MANIFEST_SCHEMA_VERSION &&
    typeof candidate.inputs?.fingerprint === "string" &&
    typeof candidate.inputs.dependencyFingerprint === "string" &&
    Array.isArray(candidate.wheels) &&
    candidate.wheels.every(
      (wheel) =>
        Array.isArray(wheel?.requires) && typeof wheel.license === "object" && wheel.license !== null,
    ) &&
    typeof candidate.app?.name === "string"
  );
}

export function sameRequirements(a: readonly string[], b: readonly string[]): boolean {
  const norm = (list: readonly string[]) => [...list].map((r) => r.replace(/\s+/g, "")).sort();
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}
