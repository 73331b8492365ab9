// An artefact that refers to an image, and the OCI distribution spec 1.1's referrers tag schema
// (issue 13): registry 2.8 has no referrers API, so the referrers of a manifest are listed in an
// OCI image index tagged `sha256-<hex>` of its digest, which clients keep up to date by
// fetch-modify-put. Pure; what comes back from a registry is parsed strictly.
import { z } from "zod";

export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
export const DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
export const DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
export const IN_TOTO = "application/vnd.in-toto+json";
/** The OCI empty descriptor: an artefact with no config of its own (image-spec 1.1). */
export const EMPTY_CONFIG = {
  mediaType: "application/vnd.oci.empty.v1+json",
  digest: "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
  size: 2,
} as const;
export const EMPTY_CONFIG_BYTES = "{}";
/** Marks the referrers wheelwright wrote, so a later push replaces its own and keeps everyone else's. */
export const ANNOTATION_PROVENANCE = "io.wheelwright.provenance";
export const ANNOTATION_CREATED = "org.opencontainers.image.created";
/** The most referrers an index may list before we stop reading it. */
export const MAX_REFERRERS = 1000;
export const MAX_INDEX_BYTES = 4 * 1024 * 1024;

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const digest = z.string().regex(DIGEST);
const annotations = z.record(z.string().max(256), z.string().max(4096)).optional();

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

/** The referrers tag of a digest: `sha256:<hex>` -> `sha256-<hex>` (64 hex digits fit the schema's cut). */
export function referrersTag(of: string): string {
  if (!DIGEST.test(of)) throw new Error(`not a sha256 digest: ${of}`);
  return of.replace(":", "-");
}

/** The OCI image manifest of a provenance statement that refers to `subject`. */
export function composeProvenanceArtifact(
  statement: { digest: string; size: number },
  subject: Descriptor,
  created: string,
) {
  return {
    schemaVersion: 2 as const,
    mediaType: OCI_MANIFEST,
    artifactType: IN_TOTO,
    config: { ...EMPTY_CONFIG },
    layers: [{ mediaType: IN_TOTO, digest: statement.digest, size: statement.size }],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations: {
      [ANNOTATION_CREATED]: created,
      [ANNOTATION_PROVENANCE]: "slsa-provenance-v1",
    },
  };
}

const descriptorSchema = z.object({
  mediaType: z.string().max(256),
  digest,
  size: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  artifactType: z.string().max(256).optional(),
  annotations,
  // Other descriptor fields (platform, urls, data) are kept as they are when the index is rewritten.
});

const indexSchema = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.literal(OCI_INDEX),
  manifests: z.array(descriptorSchema.passthrough()).max(MAX_REFERRERS),
  annotations,
});

export type ReferrersIndex = z.infer<typeof indexSchema>;

/** A referrers index read from a registry, or an Error saying why it is not one. */
export function parseReferrersIndex(bytes: Buffer): ReferrersIndex {
  if (bytes.length > MAX_INDEX_BYTES) throw new Error(`the referrers index is ${bytes.length} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new Error("the referrers index is not JSON");
  }
  const parsed = indexSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`not an OCI image index of referrers: ${issue?.path.join(".")} ${issue?.message}`);
  }
  return parsed.data;
}

/** Whether a listed referrer is a provenance statement wheelwright attached. */
export function isOurProvenance(entry: Descriptor): boolean {
  return entry.artifactType === IN_TOTO && entry.annotations?.[ANNOTATION_PROVENANCE] !== undefined;
}

/**
 * The index after adding `entry`: every other referrer kept as it was, wheelwright's earlier
 * provenance for the subject replaced (each index lists one subject's referrers). Nothing
 * existing (or an index that could not be read) starts a new one.
 */
export function updateReferrersIndex(
  existing: ReferrersIndex | undefined,
  entry: Descriptor,
): ReferrersIndex {
  const kept = (existing?.manifests ?? []).filter(
    (other) => other.digest !== entry.digest && !isOurProvenance(other),
  );
  return {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: [...kept, { ...entry }],
    ...(existing?.annotations === undefined ? {} : { annotations: existing.annotations }),
  };
}

const artifactSchema = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.literal(OCI_MANIFEST),
  artifactType: z.literal(IN_TOTO),
  config: descriptorSchema,
  layers: z.array(descriptorSchema).length(1),
  subject: descriptorSchema,
  annotations,
});

export interface ProvenanceArtifact {
  statement: { digest: string; size: number };
  subject: Descriptor;
}

/** A provenance artefact's manifest: exactly one in-toto layer and a subject. */
export function parseProvenanceArtifact(bytes: Buffer, maxStatementBytes: number): ProvenanceArtifact {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new Error("the provenance manifest is not JSON");
  }
  const parsed = artifactSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`not a provenance artefact: ${issue?.path.join(".")} ${issue?.message}`);
  }
  const layer = parsed.data.layers[0]!;
  if (layer.mediaType !== IN_TOTO) throw new Error(`its layer is ${layer.mediaType}, not ${IN_TOTO}`);
  if (layer.size > maxStatementBytes)
    throw new Error(`its statement is ${layer.size} bytes (at most ${maxStatementBytes} read)`);
  return { statement: { digest: layer.digest, size: layer.size }, subject: parsed.data.subject };
}

/** What an image reference's manifest is, from its media type: only single images carry provenance. */
export function isImageManifest(mediaType: string): boolean {
  return mediaType === OCI_MANIFEST || mediaType === DOCKER_MANIFEST;
}
