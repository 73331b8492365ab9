import { describe, expect, it } from "vitest";
import { parseDpkgStatus } from "../../src/domain/dpkg-status.js";
import type { ImageSystem } from "../../src/domain/image-system.js";
import { MANIFEST_SCHEMA_VERSION, type Manifest, type ManifestWheel } from "../../src/domain/manifest.js";
import { releaseContents } from "../../src/domain/release-contents.js";
import {
  LABEL_SBOM,
  LABEL_SBOM_SHA256,
  releaseSbomOf,
  SBOM_IMAGE_PATH,
  sbomBasis,
  sbomImageDockerfile,
} from "../../src/domain/release-sbom.js";
import { sbomDocumentText, sbomOf } from "../../src/domain/sbom.js";
import { cycloneDx16Validator } from "../support/cyclonedx.js";
import { STATUS } from "../support/dpkg-status-text.js";

const wheel = (name: string, version: string, sets: string[], requires: string[] = []): ManifestWheel => ({
  name,
  version,
  filename: `${name}-${version}-py3-none-any.whl`,
  size: 100,
  sha256: [...name]
    .map((c) => c.charCodeAt(0).toString(16))
    .join("")
    .padEnd(64, "0")
    .slice(0, 64),
  origin: name === "polls" ? "built" : "fetched",
  sets,
  requires,
  license: { expression: "MIT" },
});

const manifest: Manifest = {
  schemaVersion: MANIFEST_SCHEMA_VERSION,
  tool: "wheelwright 0.1.0",
  inputs: {
    fingerprint: "f",
    dependencyFingerprint: "d",
    builder: "sha256:b",
    extras: ["test"],
    groups: [],
    requirements: [],
    sourceDateEpoch: 1_700_000_000,
  },
  app: { name: "polls", version: "0.1.0", filename: "polls-0.1.0-py3-none-any.whl", requires: [] },
  wheels: [
    wheel("polls", "0.1.0", ["extra:test", "runtime"], ["django>=4.2", "pytest; extra == 'test'"]),
    wheel("django", "5.2", ["runtime"], ["sqlparse>=0.3"]),
    wheel("sqlparse", "0.5.0", ["runtime"]),
    wheel("pytest", "8.3.4", ["extra:test"], ["pluggy"]),
    wheel("pluggy", "1.5.0", ["extra:test"]),
  ],
};

const system = (): ImageSystem => ({
  os: { id: "debian", versionId: "12" },
  packages: parseDpkgStatus(STATUS).packages,
});
const release = (s: ImageSystem = system()) =>
  releaseSbomOf(sbomBasis(manifest), releaseContents(manifest), s);
type Loose = {
  components: {
    type: string;
    name: string;
    version?: string;
    purl?: string;
    hashes?: { content: string }[];
    properties?: { name: string; value: string }[];
  }[];
};

describe("the release image's SBOM", () => {
  it("validates against the CycloneDX 1.6 schema", () => {
    const validate = cycloneDx16Validator();
    const document = JSON.parse(sbomDocumentText(release()));
    expect(validate(document), JSON.stringify(validate.errors, null, 2)).toBe(true);
    // Also with no os-release: the packages name debian as their vendor, no distro.
    const bare = JSON.parse(sbomDocumentText(release({ packages: system().packages })));
    expect(validate(bare), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(bare.components.find((c: { name: string }) => c.name === "libc6").purl).toBe(
      "pkg:deb/debian/libc6@2.36-9%2Bdeb12u10?arch=amd64",
    );
  });

  it("lists exactly the runtime wheels, as the wheelhouse's SBOM tells them, and the Debian packages", () => {
    const { components } = release() as unknown as Loose;
    const wheels = components.filter((c) => c.purl?.startsWith("pkg:pypi/"));
    const runtime = manifest.wheels.filter((w) => w.sets.includes("runtime"));
    expect(wheels.map((c) => `${c.name}==${c.version}`).sort()).toEqual(
      runtime.map((w) => `${w.name}==${w.version}`).sort(),
    );
    // The same component as in the wheelhouse's SBOM, byte for byte.
    const wheelhouse = sbomOf(manifest).components;
    for (const c of wheels) expect(c).toEqual(wheelhouse.find((w) => w.purl === c.purl));
    const debs = components.filter((c) => c.purl?.startsWith("pkg:deb/"));
    expect(debs.map((c) => c.purl)).toEqual([
      "pkg:deb/debian/bsdutils@1%3A2.38.1-5%2Bdeb12u3?arch=amd64&distro=debian-12",
      "pkg:deb/debian/libc6@2.36-9%2Bdeb12u10?arch=amd64&distro=debian-12",
      "pkg:deb/debian/python3@3.11.2-1%2Bb1?arch=amd64&distro=debian-12",
    ]);
    for (const c of debs) expect(c.type).toBe("library");
    const libc6 = debs.find((c) => c.name === "libc6")!;
    expect(libc6).toMatchObject({ version: "2.36-9+deb12u10", "bom-ref": libc6.purl });
    expect(libc6.properties).toEqual([
      {
        name: "wheelwright:deb:source",
        value: "pkg:deb/debian/glibc@2.36-9%2Bdeb12u10?arch=source&distro=debian-12",
      },
    ]);
    expect(debs.find((c) => c.name === "bsdutils")!.properties![0]!.value).toBe(
      "pkg:deb/debian/util-linux@2.38.1-5%2Bdeb12u3?arch=source&distro=debian-12",
    );
    expect(components.filter((c) => c.type === "operating-system")).toEqual([
      { type: "operating-system", "bom-ref": "os:debian@12", name: "debian", version: "12" },
    ]);
    expect(components).toHaveLength(runtime.length + 3 + 1);
  });

  it("keeps the wheels' dependency graph within the runtime set", () => {
    const sbom = release();
    const refs = sbom.dependencies.map((d) => d.ref);
    expect(refs.filter((r) => r.startsWith("pkg:pypi/")).sort()).toEqual([
      "pkg:pypi/django@5.2",
      "pkg:pypi/polls@0.1.0",
      "pkg:pypi/sqlparse@0.5.0",
    ]);
    expect(sbom.dependencies.find((d) => d.ref === "pkg:pypi/polls@0.1.0")!.dependsOn).toEqual([
      "pkg:pypi/django@5.2",
    ]);
  });

  it("is the same bytes for the same image contents, whatever the order they were read in", () => {
    const text = sbomDocumentText(release());
    const reversed = { ...system(), packages: [...system().packages].reverse() };
    expect(sbomDocumentText(release(reversed))).toBe(text);
    expect(JSON.parse(text).metadata.timestamp).toBe("2023-11-14T22:13:20Z");
    // Another package, another serial number.
    const fewer = { ...system(), packages: system().packages.slice(1) };
    expect(JSON.parse(sbomDocumentText(release(fewer))).serialNumber).not.toBe(JSON.parse(text).serialNumber);
  });

  it("is carried by a one-line derived image, at the fixed path, labelled with its sha256", () => {
    const sha = "a".repeat(64);
    expect(sbomImageDockerfile("acme/demo-release:wheelwright-candidate-1", "sbom.cdx.json", sha)).toBe(
      `FROM acme/demo-release:wheelwright-candidate-1\nCOPY sbom.cdx.json ${SBOM_IMAGE_PATH}\nLABEL "${LABEL_SBOM}"="${SBOM_IMAGE_PATH}" "${LABEL_SBOM_SHA256}"="${sha}"\n`,
    );
    expect(SBOM_IMAGE_PATH).toBe("/usr/share/wheelwright/sbom.cdx.json");
  });
});
