// `wheelwright verify`'s judgement (issue 13), pure: the image against the provenance attached to
// it. The subject must be this image's digest, the commit the one expected, the SBOM's wheels the
// provenance's by sha256, and every distribution installed in the image one of those wheels (or
// one the provenance recorded as the base image's own).
import { z } from "zod";
import { normalizeName } from "./names.js";
import type { ProvenanceWheel, ReadProvenance } from "./provenance.js";

export interface InstalledDistribution {
  name: string;
  version: string;
}

export interface VerifyFacts {
  /** The image's manifest digest as the registry serves it. */
  imageDigest: string;
  /** The subject of the artefact's OCI manifest (the descriptor the referrer points at). */
  artifactSubject: string;
  provenance: ReadProvenance;
  /** The commit the image must come from, and where that expectation came from (`HEAD`, `--commit`). */
  expectedCommit: { sha: string; from: string } | undefined;
  sbomWheels: readonly ProvenanceWheel[];
  installed: readonly InstalledDistribution[];
}

export type Mismatch =
  | { kind: "subject"; message: string }
  | { kind: "commit"; message: string }
  | { kind: "wheels"; message: string };

const key = (name: string, version: string) => `${normalizeName(name)}==${version}`;
const hex = (digest: string) => digest.replace(/^sha256:/, "");

/** Every way the image differs from its provenance; empty when it matches. */
export function compareWithProvenance(facts: VerifyFacts): Mismatch[] {
  return [...compareIdentity(facts), ...compareWheels(facts.provenance, facts.sbomWheels, facts.installed)];
}

/** The subject and the commit: what can be judged before the image is run. */
export function compareIdentity(
  facts: Pick<VerifyFacts, "imageDigest" | "artifactSubject" | "provenance" | "expectedCommit">,
): Mismatch[] {
  const found: Mismatch[] = [];
  const image = hex(facts.imageDigest);
  if (hex(facts.artifactSubject) !== image)
    found.push({
      kind: "subject",
      message: `subject digest mismatch: the provenance refers to sha256:${hex(facts.artifactSubject)}, the image is sha256:${image}`,
    });
  for (const subject of facts.provenance.subjects)
    if (subject.sha256 !== image)
      found.push({
        kind: "subject",
        message: `subject digest mismatch: the statement is about ${subject.name}@sha256:${subject.sha256}, the image is sha256:${image}`,
      });
  const expected = facts.expectedCommit;
  if (expected !== undefined && !facts.provenance.commit.startsWith(expected.sha.toLowerCase()))
    found.push({
      kind: "commit",
      message: `commit mismatch: the image was built from ${facts.provenance.commit}, ${expected.from} is ${expected.sha}`,
    });
  return found;
}

/** The image's SBOM and installed distributions against the provenance's wheels. */
export function compareWheels(
  provenance: ReadProvenance,
  sbomWheels: readonly ProvenanceWheel[],
  installed: readonly InstalledDistribution[],
): Mismatch[] {
  const found: Mismatch[] = [];
  const bySha = new Map(provenance.wheels.map((wheel) => [wheel.sha256, wheel]));
  for (const wheel of sbomWheels) {
    const recorded = bySha.get(wheel.sha256);
    if (recorded === undefined || key(recorded.name, recorded.version) !== key(wheel.name, wheel.version))
      found.push({
        kind: "wheels",
        message: `the image's SBOM lists ${wheel.name} ${wheel.version} (sha256 ${wheel.sha256}), which is no wheel of the provenance's manifest`,
      });
  }
  const fromWheels = new Set(provenance.wheels.map((wheel) => key(wheel.name, wheel.version)));
  const others = new Set(provenance.otherDistributions.map((dist) => key(dist.name, dist.version)));
  const present = new Set(installed.map((dist) => key(dist.name, dist.version)));
  for (const dist of installed) {
    const which = key(dist.name, dist.version);
    if (!fromWheels.has(which) && !others.has(which))
      found.push({
        kind: "wheels",
        message: `${dist.name} ${dist.version} is installed in the image but is no wheel of the provenance's manifest`,
      });
  }
  for (const wheel of provenance.wheels)
    if (!present.has(key(wheel.name, wheel.version)))
      found.push({
        kind: "wheels",
        message: `${wheel.name} ${wheel.version} of the provenance's manifest is not installed in the image`,
      });
  const sbomShas = new Set(sbomWheels.map((wheel) => wheel.sha256));
  for (const wheel of provenance.wheels)
    if (!sbomShas.has(wheel.sha256))
      found.push({
        kind: "wheels",
        message: `the image's SBOM does not list ${wheel.name} ${wheel.version} (sha256 ${wheel.sha256}) of the provenance`,
      });
  return found;
}

const sbomSchema = z.object({
  bomFormat: z.literal("CycloneDX"),
  components: z
    .array(
      z.object({
        purl: z.string().max(4096).optional(),
        name: z.string().max(4096),
        version: z.string().max(4096).optional(),
        hashes: z.array(z.object({ alg: z.string().max(32), content: z.string().max(256) })).optional(),
      }),
    )
    .max(100_000),
});

/** The Python wheels an SBOM (the image's own) lists, each with its sha256. */
export function sbomWheelsOf(text: string): ProvenanceWheel[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error("the image's SBOM is not JSON");
  }
  const parsed = sbomSchema.safeParse(value);
  if (!parsed.success) throw new Error("the image's SBOM is not a CycloneDX document");
  return parsed.data.components
    .filter((component) => component.purl?.startsWith("pkg:pypi/"))
    .map((component) => {
      const sha256 = component.hashes?.find((hash) => hash.alg === "SHA-256")?.content;
      if (sha256 === undefined || !/^[0-9a-f]{64}$/.test(sha256) || component.version === undefined)
        throw new Error(`the image's SBOM lists ${component.name} without a version and sha256`);
      return { name: component.name, version: component.version, sha256 };
    });
}

const distributionsSchema = z
  .array(z.object({ name: z.string().min(1).max(256), version: z.string().min(1).max(256) }))
  .max(100_000);

/** The distributions the image's Python reports (`[{name, version}]`). */
export function installedDistributionsOf(text: string): InstalledDistribution[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error("the image's list of installed distributions is not JSON");
  }
  const parsed = distributionsSchema.safeParse(value);
  if (!parsed.success) throw new Error("the image's list of installed distributions is malformed");
  return parsed.data;
}
