import { describe, expect, it } from "vitest";
import {
  isManifest,
  MANIFEST_SCHEMA_VERSION,
  type Manifest,
  requirementsText,
  sameRequirements,
} from "../../src/domain/manifest.js";
import { chooseBuildMode, type FingerprintParts, type Fingerprints } from "../../src/plan/build-plan.js";

const manifest: Manifest = {
  schemaVersion: MANIFEST_SCHEMA_VERSION,
  tool: "wheelwright test",
  inputs: {
    fingerprint: "f1",
    dependencyFingerprint: "d1",
    builder: "b",
    extras: ["test"],
    groups: [],
    requirements: [],
    sourceDateEpoch: 1,
  },
  app: { name: "polls", version: "0.1.0", filename: "polls-0.1.0-py3-none-any.whl", requires: ["django>=4"] },
  wheels: [
    {
      name: "polls",
      version: "0.1.0",
      filename: "polls-0.1.0-py3-none-any.whl",
      size: 1,
      sha256: "aa",
      origin: "built",
      sets: ["runtime"],
      requires: ["django>=4"],
      license: { expression: "MIT" },
    },
    {
      name: "django",
      version: "5.2",
      filename: "django-5.2-py3-none-any.whl",
      size: 1,
      sha256: "bb",
      origin: "fetched",
      sets: ["runtime"],
      requires: ["asgiref>=3.8"],
      license: { classifiers: ["License :: OSI Approved :: BSD License"] },
    },
    {
      name: "pytest",
      version: "9",
      filename: "pytest-9-py3-none-any.whl",
      size: 1,
      sha256: "cc",
      origin: "fetched",
      sets: ["extra:test"],
      requires: [],
      license: {},
    },
  ],
};

describe("manifest", () => {
  it("pins the runtime set by hash and leaves test-only wheels out", () => {
    const text = requirementsText(manifest);
    expect(text).toContain("django==5.2 \\\n    --hash=sha256:bb");
    expect(text).toContain("polls==0.1.0 \\\n    --hash=sha256:aa");
    expect(text).not.toContain("pytest");
  });

  it("recognises its own schema only", () => {
    expect(isManifest(manifest)).toBe(true);
    expect(isManifest({ ...manifest, schemaVersion: MANIFEST_SCHEMA_VERSION + 1 })).toBe(false);
    // A schema 1 manifest (no Requires-Dist or license per wheel) is not reused: its SBOM could not be made.
    expect(isManifest({ ...manifest, schemaVersion: 1 })).toBe(false);
    const { requires: _, ...withoutRequires } = manifest.wheels[1]!;
    expect(isManifest({ ...manifest, wheels: [manifest.wheels[0], withoutRequires] })).toBe(false);
    expect(isManifest(null)).toBe(false);
  });

  it("compares requirement lists ignoring order and spacing", () => {
    expect(sameRequirements(["a>=1", "b ; extra == 'x'"], ["b;extra=='x'", "a>=1"])).toBe(true);
    expect(sameRequirements(["a>=1"], ["a>=2"])).toBe(false);
  });
});

describe("build mode", () => {
  const parts: FingerprintParts = {
    tool: "1",
    builder: "image:b",
    index: "i",
    localIndexes: "l",
    spec: "s",
    source: "src1",
    sourceDateEpoch: "1",
    sets: "runtime extra:test",
  };
  const previous = { ...manifest, inputs: { ...manifest.inputs, parts } };
  const current = (
    over: Partial<FingerprintParts> = {},
    fingerprints: Partial<Fingerprints> = {},
  ): Fingerprints => ({
    fingerprint: "f1",
    dependencyFingerprint: "d1",
    parts: { ...parts, ...over },
    ...fingerprints,
  });
  it("does nothing when the inputs are unchanged and the wheelhouse intact", () => {
    expect(chooseBuildMode(current(), previous, true, false).kind).toBe("up-to-date");
  });
  it("rebuilds only the app when its code or the commit time changed, saying which", () => {
    const code = chooseBuildMode(current({ source: "src2" }, { fingerprint: "f2" }), previous, true, false);
    expect(code).toMatchObject({
      kind: "app-only",
      reason: expect.stringMatching(/^the application's code changed/),
    });
    const commit = chooseBuildMode(
      current({ sourceDateEpoch: "2" }, { fingerprint: "f3" }),
      previous,
      true,
      false,
    );
    expect(commit).toMatchObject({ kind: "app-only", reason: expect.stringMatching(/^the commit time/) });
  });
  it("reuses the dependency wheels for a smaller set, and builds all for a larger one", () => {
    const smaller = chooseBuildMode(
      current({ sets: "runtime" }, { fingerprint: "f4" }),
      previous,
      true,
      false,
    );
    expect(smaller).toMatchObject({ kind: "app-only", sets: ["runtime"] });
    const larger = chooseBuildMode(
      current({ sets: "runtime extra:test group:dev" }, { fingerprint: "f5" }),
      previous,
      true,
      false,
    );
    expect(larger).toMatchObject({
      kind: "full",
      reason: expect.stringContaining("runtime extra:test -> runtime extra:test group:dev"),
    });
  });
  it("rebuilds everything when the dependency inputs changed, naming them; a damaged wheelhouse; --force", () => {
    const spec = chooseBuildMode(
      current({ spec: "s2", source: "src2" }, { fingerprint: "f2", dependencyFingerprint: "d2" }),
      previous,
      true,
      false,
    );
    expect(spec).toMatchObject({
      kind: "full",
      reason: expect.stringMatching(/^the dependency spec .* changed$/),
    });
    expect(chooseBuildMode(current(), previous, false, false).kind).toBe("full");
    expect(chooseBuildMode(current(), previous, true, true).kind).toBe("full");
    expect(chooseBuildMode(current(), undefined, false, false).kind).toBe("full");
  });
});
