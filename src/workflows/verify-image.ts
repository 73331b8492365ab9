// `wheelwright verify REF` (issue 13): the image's digest from its registry, the provenance found
// through the referrers tag `sha256-<hex>`, and the checks: the statement is about this digest,
// built from the expected commit, and every distribution installed in the image is a wheel of the
// manifest it records. Everything read from the registry and from the image is untrusted: sizes
// capped, blobs hashed as they arrive, documents parsed strictly.
import { createHash } from "node:crypto";
import { type CacheRef, parseCacheRef } from "../domain/cache-ref.js";
import { tagProblem } from "../domain/image-ref.js";
import { MAX_STATEMENT_BYTES, parseProvenance, type ReadProvenance } from "../domain/provenance.js";
import {
  DOCKER_LIST,
  isImageManifest,
  isOurProvenance,
  MAX_INDEX_BYTES,
  OCI_INDEX,
  OCI_MANIFEST,
  parseProvenanceArtifact,
  parseReferrersIndex,
  referrersTag,
} from "../domain/referrers.js";
import {
  compareIdentity,
  compareWheels,
  installedDistributionsOf,
  type Mismatch,
  sbomWheelsOf,
} from "../domain/verify-provenance.js";
import type { ContainerEngine } from "../engine/engine.js";
import { ProvenanceMismatchError, RegistryError, UsageError } from "../errors.js";
import { step } from "../events.js";
import { RELEASE_SBOM_PATH, readImagePythonContents } from "../execute/image-python-contents.js";
import { type ImageRegistry, openImageRegistry } from "../execute/image-registry.js";
import type { WorkflowContext } from "./context.js";
import { IMAGE_ACCEPT } from "./push-provenance.js";

export interface VerifyRequest {
  reference: string;
  /** The commit the image must come from, and what named it (`--commit`, `HEAD of /path`). */
  expectedCommit: { sha: string; from: string } | undefined;
  timeoutMs: number;
}

export interface VerifyResult {
  /** `REPO@sha256:…` */
  image: string;
  commit: string;
  commitChecked: boolean;
  tool: string | undefined;
  wheels: number;
  provenance: string;
  referrers: string;
}

export interface ImageReference {
  ref: CacheRef;
  /** A tag or a `sha256:` digest. */
  reference: string;
}

/** `repo:tag` or `repo@sha256:…` in a named registry; a UsageError says what is wrong otherwise. */
export function parseImageReference(text: string): ImageReference {
  const at = text.indexOf("@");
  const lastSlash = text.lastIndexOf("/");
  const colon = text.lastIndexOf(":");
  let repository: string;
  let reference: string;
  if (at >= 0) {
    repository = text.slice(0, at);
    reference = text.slice(at + 1);
    if (!/^sha256:[0-9a-f]{64}$/.test(reference))
      throw new UsageError(`verify: '${text}' names no sha256 digest after '@'`);
  } else if (colon > lastSlash) {
    repository = text.slice(0, colon);
    reference = text.slice(colon + 1);
    const problem = tagProblem(reference);
    if (problem !== undefined) throw new UsageError(`verify: the tag '${reference}' ${problem}`);
  } else {
    throw new UsageError(`verify: '${text}' names no tag or digest`, {
      hint: "Name the image as REGISTRY/REPOSITORY:TAG or REGISTRY/REPOSITORY@sha256:…",
    });
  }
  try {
    return { ref: parseCacheRef(repository), reference };
  } catch (error) {
    throw new UsageError(`verify: ${(error as Error).message.replace(/^cache: /, "")}`, {
      hint: "Name the image as REGISTRY/REPOSITORY:TAG or REGISTRY/REPOSITORY@sha256:…",
    });
  }
}

const sha256 = (bytes: Buffer) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

function fail(mismatches: readonly Mismatch[]): never {
  throw new ProvenanceMismatchError(mismatches[0]!.message, {
    details: mismatches.slice(1).map((m) => m.message),
    hint: "The image is not what its provenance says was pushed: do not deploy it; push a release built from the expected commit.",
  });
}

export async function verifyImage(
  ctx: WorkflowContext,
  request: VerifyRequest,
  engine: () => Promise<ContainerEngine>,
): Promise<VerifyResult> {
  const { ref, reference } = parseImageReference(request.reference);
  const registry = openImageRegistry(ctx, ref, request.timeoutMs);
  const found = await step(ctx.emit, "provenance", `read the provenance of ${request.reference}`, () =>
    readProvenanceOf(registry, ref, reference),
  );
  const image = `${ref.text}@${found.digest}`;
  const identity = compareIdentity({
    imageDigest: found.digest,
    artifactSubject: found.subject,
    provenance: found.provenance,
    expectedCommit: request.expectedCommit,
  });
  if (identity.length > 0) fail(identity);
  const contents = await step(ctx.emit, "contents", `read the SBOM and distributions of ${image}`, async () =>
    readImagePythonContents(await engine(), image, ctx.newRunId(), ctx.signal),
  );
  if (contents.sbom === undefined)
    throw new ProvenanceMismatchError(`${image} holds no SBOM at ${RELEASE_SBOM_PATH}`, {
      hint: "wheelwright's release images carry one: this image was not made by `wheelwright release`, or was changed.",
    });
  let mismatches: Mismatch[];
  try {
    mismatches = compareWheels(
      found.provenance,
      sbomWheelsOf(contents.sbom),
      installedDistributionsOf(contents.distributions),
    );
  } catch (error) {
    throw new ProvenanceMismatchError(`${image}: ${(error as Error).message}`);
  }
  if (mismatches.length > 0) fail(mismatches);
  return {
    image,
    commit: found.provenance.commit,
    commitChecked: request.expectedCommit !== undefined,
    tool: found.provenance.toolVersion,
    wheels: found.provenance.wheels.length,
    provenance: `${ref.text}@${found.artifact}`,
    referrers: `${ref.text}:${referrersTag(found.digest)}`,
  };
}

interface FoundProvenance {
  digest: string;
  artifact: string;
  subject: string;
  provenance: ReadProvenance;
}

/** The image's manifest digest; a digest reference must be served with exactly those bytes. */
async function resolveImage(registry: ImageRegistry, ref: CacheRef, reference: string): Promise<string> {
  const manifest = await registry.getManifest(
    reference,
    4 * 1024 * 1024,
    `${IMAGE_ACCEPT}, ${OCI_INDEX}, ${DOCKER_LIST}`,
  );
  const at = reference.startsWith("sha256:") ? "@" : ":";
  if (manifest === undefined)
    throw new RegistryError(`${ref.registry} has no ${ref.repository}${at}${reference}`);
  if (at === "@" && manifest.digest !== reference)
    throw new ProvenanceMismatchError(
      `${ref.registry} served other bytes for ${reference} (${manifest.digest})`,
    );
  if (!isImageManifest(manifest.mediaType))
    throw new UsageError(`${ref.text}${at}${reference} is ${manifest.mediaType}, not one image`, {
      hint: "Verify each image of a manifest list by its digest (REPOSITORY@sha256:…): provenance is attached to images.",
    });
  return manifest.digest;
}

async function readProvenanceOf(
  registry: ImageRegistry,
  ref: CacheRef,
  reference: string,
): Promise<FoundProvenance> {
  const digest = await resolveImage(registry, ref, reference);
  const tag = referrersTag(digest);
  const noProvenance = (why: string) =>
    new ProvenanceMismatchError(`${ref.text}@${digest} has no provenance: ${why}`, {
      hint: "wheelwright push attaches it (unless --no-provenance); an image changed after its push (a new digest under the same tag) has none.",
    });
  const listed = await registry.getManifest(tag, MAX_INDEX_BYTES, OCI_INDEX);
  if (listed === undefined) throw noProvenance(`the registry holds no referrers index ${ref.text}:${tag}`);
  let entries: ReturnType<typeof parseReferrersIndex>["manifests"];
  try {
    entries = parseReferrersIndex(listed.bytes).manifests;
  } catch (error) {
    throw noProvenance(`${ref.text}:${tag} is unreadable (${(error as Error).message})`);
  }
  const ours = entries.filter((entry) => isOurProvenance(entry) && entry.mediaType === OCI_MANIFEST);
  if (ours.length === 0)
    throw noProvenance(`none of the ${entries.length} referrers of ${tag} is wheelwright's`);
  const entry = ours[ours.length - 1]!;
  const artifactBytes = await registry.getManifest(entry.digest, 1024 * 1024, OCI_MANIFEST);
  if (artifactBytes === undefined || artifactBytes.digest !== entry.digest)
    throw noProvenance(`its artefact ${entry.digest} is missing or not the bytes its digest names`);
  let artifact: ReturnType<typeof parseProvenanceArtifact>;
  try {
    artifact = parseProvenanceArtifact(artifactBytes.bytes, MAX_STATEMENT_BYTES);
  } catch (error) {
    throw noProvenance((error as Error).message);
  }
  const statement = await registry.getBlobBytes(artifact.statement.digest, artifact.statement.size);
  if (statement.length !== artifact.statement.size || sha256(statement) !== artifact.statement.digest)
    throw new ProvenanceMismatchError(
      `the provenance statement of ${ref.text}@${digest} is not the blob its digest names`,
    );
  try {
    return {
      digest,
      artifact: entry.digest,
      subject: artifact.subject.digest,
      provenance: parseProvenance(statement),
    };
  } catch (error) {
    throw noProvenance((error as Error).message);
  }
}
