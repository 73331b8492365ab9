// The referrers tag schema (OCI distribution spec 1.1) as push keeps it on registry 2.8: the tag
// of a digest, the index updated by fetch-modify-put (others kept, ours replaced), hostile indexes
// and artefacts refused.
import { describe, expect, it } from "vitest";
import {
  composeProvenanceArtifact,
  IN_TOTO,
  isOurProvenance,
  MAX_INDEX_BYTES,
  MAX_REFERRERS,
  OCI_INDEX,
  OCI_MANIFEST,
  parseProvenanceArtifact,
  parseReferrersIndex,
  referrersTag,
  updateReferrersIndex,
} from "../../src/domain/referrers.js";

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const ours = (c: string) => ({
  mediaType: OCI_MANIFEST,
  digest: digest(c),
  size: 500,
  artifactType: IN_TOTO,
  annotations: { "io.wheelwright.provenance": "slsa-provenance-v1" },
});
const signature = {
  mediaType: OCI_MANIFEST,
  digest: digest("5"),
  size: 321,
  artifactType: "application/vnd.example.signature",
  annotations: { "org.example": "kept" },
  platform: { os: "linux", architecture: "amd64" },
};
const otherInToto = { mediaType: OCI_MANIFEST, digest: digest("6"), size: 10, artifactType: IN_TOTO };

describe("referrersTag", () => {
  it("is the digest with its colon as a dash; anything but a sha256 digest is refused", () => {
    expect(referrersTag(digest("a"))).toBe(`sha256-${"a".repeat(64)}`);
    expect(() => referrersTag("sha256:ABC")).toThrow();
    expect(() => referrersTag("latest")).toThrow();
  });
});

describe("updateReferrersIndex", () => {
  it("starts an index when there is none", () => {
    expect(updateReferrersIndex(undefined, ours("1"))).toEqual({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [ours("1")],
    });
  });

  it("keeps every other referrer byte for byte and replaces wheelwright's earlier provenance", () => {
    const existing = parseReferrersIndex(
      Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: OCI_INDEX,
          manifests: [signature, ours("1"), otherInToto],
          annotations: { "org.example.index": "yes" },
        }),
      ),
    );
    const updated = updateReferrersIndex(existing, ours("2"));
    expect(updated.manifests).toEqual([signature, otherInToto, ours("2")]);
    expect(updated.annotations).toEqual({ "org.example.index": "yes" });
    expect(updated.manifests.filter(isOurProvenance)).toHaveLength(1);
  });

  it("pushing the same artefact again lists it once", () => {
    const once = updateReferrersIndex(undefined, ours("1"));
    expect(updateReferrersIndex(once, ours("1")).manifests).toEqual([ours("1")]);
  });
});

describe("parseReferrersIndex refuses what is not an index of referrers", () => {
  const index = (manifests: unknown, extra: object = {}) =>
    Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests, ...extra }));
  it.each([
    ["not JSON", Buffer.from("<html>"), /not JSON/],
    [
      "an image manifest",
      Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST })),
      /mediaType/,
    ],
    ["a digest that is not sha256 hex", index([{ ...signature, digest: "sha256:../../etc" }]), /digest/],
    ["a negative size", index([{ ...signature, size: -1 }]), /size/],
    ["annotations that are not strings", index([{ ...signature, annotations: { a: 1 } }]), /annotations/],
    ["too many referrers", index(Array.from({ length: MAX_REFERRERS + 1 }, () => signature)), /manifests/],
    ["too many bytes", Buffer.alloc(MAX_INDEX_BYTES + 1, 32), /bytes/],
  ])("%s", (_what, bytes, problem) => {
    expect(() => parseReferrersIndex(bytes as Buffer)).toThrow(problem);
  });
});

describe("the provenance artefact", () => {
  const subject = {
    mediaType: "application/vnd.docker.distribution.manifest.v2+json",
    digest: digest("d"),
    size: 1234,
  };
  const artifact = composeProvenanceArtifact(
    { digest: digest("7"), size: 900 },
    subject,
    "2026-11-30T10:00:00Z",
  );

  it("is an OCI image manifest of artifactType in-toto, with the empty config, one layer and the subject", () => {
    expect(artifact.artifactType).toBe(IN_TOTO);
    expect(artifact.config.mediaType).toBe("application/vnd.oci.empty.v1+json");
    expect(artifact.layers).toEqual([{ mediaType: IN_TOTO, digest: digest("7"), size: 900 }]);
    expect(artifact.subject).toEqual(subject);
    expect(parseProvenanceArtifact(Buffer.from(JSON.stringify(artifact)), 1000)).toEqual({
      statement: { digest: digest("7"), size: 900 },
      subject,
    });
  });

  it("refuses two layers, another layer type, a statement over the cap, no subject", () => {
    const bad = (value: object) => Buffer.from(JSON.stringify({ ...artifact, ...value }));
    expect(() =>
      parseProvenanceArtifact(bad({ layers: [...artifact.layers, ...artifact.layers] }), 1000),
    ).toThrow();
    expect(() =>
      parseProvenanceArtifact(bad({ layers: [{ ...artifact.layers[0], mediaType: "text/plain" }] }), 1000),
    ).toThrow(/text\/plain/);
    expect(() => parseProvenanceArtifact(bad({}), 899)).toThrow(/900 bytes/);
    expect(() => parseProvenanceArtifact(bad({ subject: undefined }), 1000)).toThrow(/subject/);
  });
});
