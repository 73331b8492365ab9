import { describe, expect, it } from "vitest";
import { isManifest, type Manifest, requirementsText, sameRequirements } from "../../src/domain/manifest.js";
import { chooseBuildMode } from "../../src/plan/build-plan.js";

const manifest: Manifest = {
  schemaVersion: 1,
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
    },
    {
      name: "django",
      version: "5.2",
      filename: "django-5.2-py3-none-any.whl",
      size: 1,
      sha256: "bb",
      origin: "fetched",
      sets: ["runtime"],
    },
    {
      name: "pytest",
      version: "9",
      filename: "pytest-9-py3-none-any.whl",
      size: 1,
      sha256: "cc",
      origin: "fetched",
      sets: ["extra:test"],
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
    expect(isManifest({ ...manifest, schemaVersion: 2 })).toBe(false);
    expect(isManifest(null)).toBe(false);
  });

  it("compares requirement lists ignoring order and spacing", () => {
    expect(sameRequirements(["a>=1", "b ; extra == 'x'"], ["b;extra=='x'", "a>=1"])).toBe(true);
    expect(sameRequirements(["a>=1"], ["a>=2"])).toBe(false);
  });
});

describe("build mode", () => {
  const current = { fingerprint: "f1", dependencyFingerprint: "d1" };
  it("does nothing when the inputs are unchanged and the wheelhouse intact", () => {
    expect(chooseBuildMode(current, manifest, true, false).kind).toBe("up-to-date");
  });
  it("rebuilds only the app when only its code changed", () => {
    expect(chooseBuildMode({ ...current, fingerprint: "f2" }, manifest, true, false).kind).toBe("app-only");
  });
  it("rebuilds everything when the dependency inputs changed, the wheelhouse is damaged, or --force", () => {
    expect(
      chooseBuildMode({ fingerprint: "f2", dependencyFingerprint: "d2" }, manifest, true, false).kind,
    ).toBe("full");
    expect(chooseBuildMode(current, manifest, false, false).kind).toBe("full");
    expect(chooseBuildMode(current, manifest, true, true).kind).toBe("full");
    expect(chooseBuildMode(current, undefined, false, false).kind).toBe("full");
  });
});
