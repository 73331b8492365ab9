// What the engine tests check of an SBOM: a wheelhouse's is valid CycloneDX 1.6 and lists exactly
// its manifest's wheels; a release image's (read out of the image the way the README says) is
// valid, matches its labels, lists exactly the runtime wheels and Debian packages the image holds.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { execaSync } from "execa";
import { expect } from "vitest";
import type { Manifest } from "../../src/domain/manifest.js";
import { cycloneDx16Validator } from "./cyclonedx.js";

export interface SbomComponent {
  type: string;
  name: string;
  version: string;
  purl?: string;
  hashes?: { alg: string; content: string }[];
}

/** A shell script's output in a throwaway container of `image`, as root, with no network. */
export const inImage = (image: string, script: string) =>
  String(
    execaSync(
      "docker",
      ["run", "--rm", "--network", "none", "--user", "0", "--entrypoint", "sh", image, "-c", script],
      { reject: false },
    ).stdout,
  ).trim();

/** The SBOM file as the image holds it, read the way the README says (as the image's own user). */
export const sbomBytes = (image: string) =>
  Buffer.from(
    execaSync(
      "docker",
      ["run", "--rm", "--network", "none", image, "cat", "/usr/share/wheelwright/sbom.cdx.json"],
      // The exact bytes: execa would strip the file's final newline.
      { encoding: "buffer", stripFinalNewline: false },
    ).stdout,
  );

const labelOf = (image: string, label: string) =>
  String(
    execaSync("docker", ["image", "inspect", "--format", `{{ index .Config.Labels "${label}" }}`, image])
      .stdout,
  );

const facts = (list: { name: string; version: string; sha256: string }[]) =>
  list.map((w) => `${w.name} ${w.version} ${w.sha256}`).sort();

const wheelFacts = (components: SbomComponent[]) =>
  facts(
    components
      .filter((c) => c.purl?.startsWith("pkg:pypi/"))
      .map((c) => ({ name: c.name, version: c.version, sha256: c.hashes![0]!.content })),
  );

/** The wheelhouse's SBOM (`<wheelhouse>/sbom.cdx.json`): valid, and exactly the manifest's wheels. */
export function expectWheelhouseSbom(wheelhouse: string): void {
  const manifest = JSON.parse(readFileSync(path.join(wheelhouse, "manifest.json"), "utf8")) as Manifest;
  const document = JSON.parse(readFileSync(path.join(wheelhouse, "sbom.cdx.json"), "utf8")) as {
    components: SbomComponent[];
  };
  const validate = cycloneDx16Validator();
  expect(validate(document), JSON.stringify(validate.errors, null, 2)).toBe(true);
  expect(wheelFacts(document.components)).toEqual(facts(manifest.wheels));
}

/** The release SBOM lists exactly the runtime wheels of `wheelhouse`, and Debian packages the image really has. */
export function expectReleaseSbom(wheelhouse: string, image: string): void {
  const bytes = sbomBytes(image);
  expect(labelOf(image, "io.wheelwright.sbom")).toBe("/usr/share/wheelwright/sbom.cdx.json");
  expect(labelOf(image, "io.wheelwright.sbom.sha256")).toBe(createHash("sha256").update(bytes).digest("hex"));
  const document = JSON.parse(bytes.toString("utf8")) as { components: SbomComponent[] };
  const validate = cycloneDx16Validator();
  expect(validate(document), JSON.stringify(validate.errors, null, 2)).toBe(true);
  const manifest = JSON.parse(readFileSync(path.join(wheelhouse, "manifest.json"), "utf8")) as Manifest;
  const runtime = manifest.wheels.filter((w) => w.sets.includes("runtime"));
  expect(wheelFacts(document.components)).toEqual(facts(runtime));
  expect(document.components.map((c) => c.name)).not.toContain("pytest");
  // Packages the base really holds, at the versions dpkg gives them there.
  const os = inImage(image, ". /etc/os-release && echo $ID-$VERSION_ID");
  const debs = new Map(
    document.components.filter((c) => c.purl?.startsWith("pkg:deb/debian/")).map((c) => [c.name, c]),
  );
  expect(debs.size).toBeGreaterThan(20);
  for (const name of ["python3", "libc6"]) {
    const [version, arch] = inImage(image, `dpkg-query -W -f '\${Version} \${Architecture}' ${name}`).split(
      " ",
    );
    expect(debs.get(name)?.version, name).toBe(version);
    expect(debs.get(name)?.purl, name).toBe(
      `pkg:deb/debian/${name}@${encodeURIComponent(version!)}?arch=${arch}&distro=${os}`,
    );
  }
  expect(document.components.filter((c) => c.type === "operating-system").map((c) => c.name)).toEqual([
    "debian",
  ]);
}
