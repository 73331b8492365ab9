import { describe, expect, it } from "vitest";
import { readCoreMetadata } from "../../src/domain/core-metadata.js";
import { declaredLicense, KNOWN_SPDX_IDS } from "../../src/domain/declared-license.js";
import { MANIFEST_SCHEMA_VERSION, type Manifest, type ManifestWheel } from "../../src/domain/manifest.js";
import { normalizeName } from "../../src/domain/names.js";
import { pypiPurl, sbomOf, sbomText, uuidV5 } from "../../src/domain/sbom.js";
import { cycloneDx16Validator, spdxLicenseIds } from "../support/cyclonedx.js";

/** A manifest wheel as the build records it: name, Requires-Dist and license read from METADATA. */
function wheel(metadata: string, sets: string[], sha256: string): ManifestWheel {
  const facts = readCoreMetadata(metadata);
  const name = normalizeName(facts.name!);
  return {
    name,
    version: facts.version!,
    filename: `${facts.name!.replace(/[-.]/g, "_")}-${facts.version}-py3-none-any.whl`,
    size: 1000,
    sha256: sha256.repeat(64).slice(0, 64),
    origin: "fetched",
    sets,
    requires: facts.requiresDist,
    license: declaredLicense(facts),
  };
}

const LONG_LICENSE = `Copyright (c) 2005-2024, The Very Long Named Project Developers and all of its contributors worldwide.
All rights reserved.

Redistribution and use in source and binary forms, with or without modification...`;

const wheels = [
  wheel(
    "Name: polls\nVersion: 0.1.0\nLicense-Expression: MIT OR Apache-2.0\nRequires-Dist: Django>=4.2\nRequires-Dist: pytest>=8; extra == 'test'\nRequires-Dist: sqlparse; extra == 'docs'\nRequires-Dist: pywin32; sys_platform == 'win32'\n",
    ["extra:test", "runtime"],
    "a",
  ),
  wheel(
    'Name: Django\nVersion: 5.2\nLicense: BSD-3-Clause\nClassifier: Framework :: Django\nClassifier: License :: OSI Approved :: BSD License\nRequires-Dist: asgiref>=3.8.1\nRequires-Dist: sqlparse>=0.3.1\nRequires-Dist: tzdata; sys_platform == "win32"\nRequires-Dist: argon2-cffi>=19.1.0; extra == "argon2"\n',
    ["runtime"],
    "b",
  ),
  wheel(
    "Name: asgiref\nVersion: 3.8.1\nLicense: BSD-3-Clause\nRequires-Dist: typing_extensions>=4; python_version < '3.11'\n",
    ["runtime"],
    "c",
  ),
  wheel(
    "Name: sqlparse\nVersion: 0.5.0\nClassifier: License :: OSI Approved :: BSD License\n",
    ["runtime"],
    "d",
  ),
  wheel(
    "Name: typing_extensions\nVersion: 4.12.2\nClassifier: License :: OSI Approved :: Python Software Foundation License\n",
    ["runtime"],
    "e",
  ),
  wheel(
    "Name: pytest\nVersion: 8.3.4\nClassifier: License :: OSI Approved :: MIT License\nRequires-Dist: pluggy<2,>=1.5\nRequires-Dist: iniconfig\nRequires-Dist: colorama; sys_platform == 'win32'\nRequires-Dist: pytest-extras[cov]; extra == 'dev'\n",
    ["extra:test"],
    "f",
  ),
  wheel("Name: pluggy\nVersion: 1.5.0\nLicense: MIT\n", ["extra:test"], "1"),
  wheel("Name: iniconfig\nVersion: 2.0.0\nLicense: Apache 2.0, see LICENSE\n", ["extra:test"], "5"),
  wheel(
    "Name: zope.interface\nVersion: 7.2\nClassifier: License :: OSI Approved :: Zope Public License\nLicense: ZPL 2.1\nRequires-Dist: setuptools\n",
    ["group:dev"],
    "2",
  ),
  wheel(
    `Name: setuptools\nVersion: 75.0\nLicense: ${LONG_LICENSE.replace(/\n/g, "\n        ")}\n`,
    ["group:dev"],
    "3",
  ),
  wheel("Name: localpkg\nVersion: 1.0+build.7\nLicense: UNKNOWN\n", ["group:dev"], "4"),
];

const manifest: Manifest = {
  schemaVersion: MANIFEST_SCHEMA_VERSION,
  tool: "wheelwright 0.1.0",
  inputs: {
    fingerprint: "f",
    dependencyFingerprint: "d",
    builder: "sha256:b",
    extras: ["test"],
    groups: ["dev"],
    requirements: [],
    sourceDateEpoch: 1_700_000_000,
  },
  app: { name: "polls", version: "0.1.0", filename: wheels[0]!.filename, requires: wheels[0]!.requires },
  wheels,
};

type Component = {
  "bom-ref": string;
  name: string;
  version: string;
  purl: string;
  type: string;
  hashes: { alg: string; content: string }[];
  licenses?: unknown[];
  properties: { name: string; value: string }[];
};
const sbom = () => sbomOf(manifest) as unknown as { components: Component[] } & ReturnType<typeof sbomOf>;
const component = (name: string) => sbom().components.find((c) => c.name === name)!;
const dependsOn = (ref: string) => sbom().dependencies.find((d) => d.ref === ref)?.dependsOn;

describe("the wheelhouse's SBOM", () => {
  it("validates against the official CycloneDX 1.6 JSON schema", () => {
    const validate = cycloneDx16Validator();
    const document = JSON.parse(sbomText(manifest));
    expect(validate(document), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(document).toMatchObject({ bomFormat: "CycloneDX", specVersion: "1.6", version: 1 });
    // The validator does refuse what the schema refuses (an unknown license id, a bad serial).
    expect(validate({ ...document, serialNumber: "urn:uuid:not-a-uuid" })).toBe(false);
    const broken = structuredClone(document);
    broken.components[0].licenses = [{ license: { id: "Not-A-Real-License" } }];
    expect(validate(broken)).toBe(false);
    expect(validate({ ...document, metadata: { ...document.metadata, timestamp: "yesterday" } })).toBe(false);
  });

  it("names a target's wheelhouse: its target and platform in the application's properties, still valid", () => {
    expect(sbomOf(manifest).metadata.component.properties).toBeUndefined();
    const targeted = sbomOf({ ...manifest, target: { name: "arm", platform: "linux/arm64" } });
    expect(targeted.metadata.component.properties).toEqual([
      { name: "wheelwright:target", value: "arm" },
      { name: "wheelwright:platform", value: "linux/arm64" },
    ]);
    expect(targeted.serialNumber).not.toBe(sbomOf(manifest).serialNumber);
    const validate = cycloneDx16Validator();
    expect(validate(JSON.parse(JSON.stringify(targeted))), JSON.stringify(validate.errors)).toBe(true);
  });

  it("lists exactly the manifest's wheels, each with its purl as bom-ref, its sha256 and its sets", () => {
    const { components, metadata } = sbom();
    expect(components.map((c) => [c.name, c.version]).sort()).toEqual(
      manifest.wheels.map((w) => [w.name, w.version]).sort(),
    );
    for (const w of manifest.wheels) {
      const c = component(w.name);
      expect(c.type).toBe("library");
      expect(c["bom-ref"]).toBe(c.purl);
      expect(c.hashes).toEqual([{ alg: "SHA-256", content: w.sha256 }]);
      expect(c.properties).toContainEqual({ name: "wheelwright:sets", value: [...w.sets].sort().join(",") });
      expect(c.properties).toContainEqual({ name: "wheelwright:filename", value: w.filename });
    }
    expect(component("polls").properties).toContainEqual({
      name: "wheelwright:sets",
      value: "extra:test,runtime",
    });
    expect(metadata.component).toMatchObject({
      type: "application",
      name: "polls",
      version: "0.1.0",
      purl: "pkg:pypi/polls@0.1.0",
    });
    // Every bom-ref is unique in the document (the application's is not its wheel's).
    const refs = [metadata.component["bom-ref"], ...components.map((c) => c["bom-ref"])];
    expect(new Set(refs).size).toBe(refs.length);
  });

  it("writes purls with PEP 503 names and percent-encoded versions", () => {
    expect(component("django").purl).toBe("pkg:pypi/django@5.2");
    expect(component("zope-interface").purl).toBe("pkg:pypi/zope-interface@7.2");
    expect(component("typing-extensions").purl).toBe("pkg:pypi/typing-extensions@4.12.2");
    expect(component("localpkg").purl).toBe("pkg:pypi/localpkg@1.0%2Bbuild.7");
    expect(pypiPurl("Zope.Interface", "2!1.0")).toBe("pkg:pypi/zope-interface@2%211.0");
    expect(pypiPurl("typing__Extensions", "4.0")).toBe("pkg:pypi/typing-extensions@4.0");
  });

  it("maps License-Expression, classifiers and the License field to CycloneDX licenses", () => {
    // License-Expression first, as the SPDX expression it is.
    expect(component("polls").licenses).toEqual([{ expression: "MIT OR Apache-2.0" }]);
    // A classifier that names one license exactly: its SPDX id.
    expect(component("pytest").licenses).toEqual([{ license: { id: "MIT" } }]);
    expect(component("typing-extensions").licenses).toEqual([{ license: { id: "PSF-2.0" } }]);
    // One that does not (BSD: 2- or 3-clause?), by its name, before the License field.
    expect(component("django").licenses).toEqual([{ license: { name: "BSD License" } }]);
    expect(component("zope-interface").licenses).toEqual([{ license: { name: "Zope Public License" } }]);
    // No classifier: the License field, as an SPDX id when it is exactly one, else by name; a
    // whole license text is cut to its first line.
    expect(component("pluggy").licenses).toEqual([{ license: { id: "MIT" } }]);
    expect(component("asgiref").licenses).toEqual([{ license: { id: "BSD-3-Clause" } }]);
    expect(component("iniconfig").licenses).toEqual([{ license: { name: "Apache 2.0, see LICENSE" } }]);
    const long = component("setuptools").licenses as { license: { name: string } }[];
    expect(long).toHaveLength(1);
    expect(long[0]!.license.name.length).toBeLessThanOrEqual(100);
    expect(long[0]!.license.name).toMatch(/^Copyright \(c\) 2005-2024, The Very Long Named .*…$/);
    // UNKNOWN (old setuptools' "not given") is no license.
    expect(component("localpkg").licenses).toBeUndefined();
  });

  it("writes only real SPDX ids", () => {
    const spdx = spdxLicenseIds();
    expect(KNOWN_SPDX_IDS.length).toBeGreaterThan(10);
    for (const id of KNOWN_SPDX_IDS) expect(spdx.has(id), id).toBe(true);
  });

  it("draws the dependency graph from Requires-Dist: wheels in the set, extras asked for, other markers not judged", () => {
    const ref = (name: string) => component(name)["bom-ref"];
    // The app asked for `test`, not `docs`: pytest is an edge, sqlparse is not (from the app).
    // pywin32 is not in the wheelhouse: no edge.
    expect(dependsOn(ref("polls"))).toEqual([ref("django"), ref("pytest")]);
    // Django's tzdata (not in the set) and argon2 extra (not asked) make no edge.
    expect(dependsOn(ref("django"))).toEqual([ref("asgiref"), ref("sqlparse")]);
    // A marker other than `extra` is not judged: typing_extensions is in the set, so the edge is drawn.
    expect(dependsOn(ref("asgiref"))).toEqual([ref("typing-extensions")]);
    expect(dependsOn(ref("pytest"))).toEqual([ref("iniconfig"), ref("pluggy")]);
    expect(dependsOn(ref("zope-interface"))).toEqual([ref("setuptools")]);
    // Every component has an entry, a leaf an empty one.
    expect(dependsOn(ref("pluggy"))).toEqual([]);
    expect(
      sbom()
        .dependencies.map((d) => d.ref)
        .sort(),
    ).toEqual([sbom().metadata.component["bom-ref"], ...sbom().components.map((c) => c["bom-ref"])].sort());
    // The application depends on its wheel and on the roots of the other sets (a group's here).
    expect(dependsOn(sbom().metadata.component["bom-ref"])).toEqual(
      [ref("localpkg"), ref("polls"), ref("zope-interface")].sort(),
    );
  });

  it("is the same bytes for the same manifest, whatever the order of its wheels; no clock in it", () => {
    const text = sbomText(manifest);
    expect(sbomText(structuredClone(manifest))).toBe(text);
    expect(sbomText({ ...manifest, wheels: [...manifest.wheels].reverse() })).toBe(text);
    const document = JSON.parse(text);
    expect(document.metadata.timestamp).toBe("2023-11-14T22:13:20Z");
    expect(document.serialNumber).toMatch(
      /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(document.metadata.tools.components).toEqual([
      { type: "application", name: "wheelwright", version: "0.1.0" },
    ]);
    // Without SOURCE_DATE_EPOCH: no timestamp at all.
    const undated = JSON.parse(
      sbomText({ ...manifest, inputs: { ...manifest.inputs, sourceDateEpoch: undefined } }),
    );
    expect(undated.metadata.timestamp).toBeUndefined();
    // Other content, another serial number.
    const changed = structuredClone(manifest);
    changed.wheels[1]!.sha256 = "0".repeat(64);
    expect(JSON.parse(sbomText(changed)).serialNumber).not.toBe(document.serialNumber);
    expect(undated.serialNumber).not.toBe(document.serialNumber);
  });

  it("makes RFC 9562 version 5 UUIDs", () => {
    // RFC 9562 appendix A.4: "www.example.com" in the DNS namespace.
    expect(uuidV5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "www.example.com")).toBe(
      "2ed6657d-e927-568b-95e1-2665a8aea6a2",
    );
  });
});
