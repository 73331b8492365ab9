// Provenance on push (issue 13): once the release image is pushed, an in-toto statement with an
// SLSA provenance v1 predicate is attached to it as an OCI artefact whose `subject` is the pushed
// manifest, and listed under the referrers tag `sha256-<hex>` (registry 2.8 has no referrers API).
// Host-side, through the registry client with the engine's login (or the push's temporary one):
// no credential reaches argv. A registry that refuses is a warning unless provenance is required.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { LoadedProject } from "../config/load.js";
import { parseCacheRef } from "../domain/cache-ref.js";
import { imageRepository } from "../domain/image-ref.js";
import { isManifest, MANIFEST_FILE, type Manifest } from "../domain/manifest.js";
import { contextImageName, normalizeName } from "../domain/names.js";
import { composeProvenance, type ProvenanceInputs, type ProvenanceWheel } from "../domain/provenance.js";
import {
  composeProvenanceArtifact,
  DOCKER_MANIFEST,
  EMPTY_CONFIG,
  EMPTY_CONFIG_BYTES,
  IN_TOTO,
  isImageManifest,
  MAX_INDEX_BYTES,
  OCI_INDEX,
  OCI_MANIFEST,
  parseReferrersIndex,
  referrersTag,
  updateReferrersIndex,
} from "../domain/referrers.js";
import { registryOf } from "../domain/registry.js";
import { releaseContents } from "../domain/release-contents.js";
import { parseSourceDateEpoch } from "../domain/source-date-epoch.js";
import { installedDistributionsOf } from "../domain/verify-provenance.js";
import type { ContainerEngine } from "../engine/engine.js";
import { RegistryError, WheelwrightError } from "../errors.js";
import { step } from "../events.js";
import { readImagePythonContents } from "../execute/image-python-contents.js";
import { type ImageRegistry, openImageRegistry } from "../execute/image-registry.js";
import type { PushPlan } from "../plan/push-plan.js";
import { readProjectGit } from "./build-images.js";
import type { WorkflowContext } from "./context.js";
import { LABEL_WHEELHOUSE } from "./release-image.js";

export type ProvenanceMode = "off" | "on" | "required";

export interface AttachedProvenance {
  /** `REPO@sha256:…`: the image the statement is about. */
  subject: string;
  /** The artefact's manifest digest. */
  artifact: string;
  /** `REPO:sha256-<hex>`: the referrers index listing it. */
  referrers: string;
}

const MAX_SUBJECT_BYTES = 4 * 1024 * 1024;
export const IMAGE_ACCEPT = [OCI_MANIFEST, DOCKER_MANIFEST].join(", ");

/**
 * Attaches provenance to the release image `plan` pushed (its `repo:<sha>@digest` among `pushed`).
 * Undefined when it was not attached (off, or refused with a warning).
 */
export async function attachProvenance(
  ctx: WorkflowContext,
  project: LoadedProject,
  plan: PushPlan,
  engine: ContainerEngine,
  pushed: readonly string[],
  startedOn: string,
): Promise<AttachedProvenance | undefined> {
  if (plan.provenance === "off") return undefined;
  const repository = plan.release.slice(0, plan.release.lastIndexOf(":"));
  try {
    return await step(
      ctx.emit,
      `provenance:${repository}`,
      `attach provenance to ${plan.release}`,
      () => attach(ctx, project, plan, engine, pushed, startedOn),
      ctx.clock,
      (attached) => attached.referrers,
    );
  } catch (error) {
    if (plan.provenance === "required" || ctx.signal.aborted || !(error instanceof Error)) throw error;
    const hint = error instanceof WheelwrightError ? error.hint : undefined;
    ctx.emit({
      type: "warning",
      message: `the image was pushed, but no provenance was attached to it: ${error.message}${
        hint === undefined ? "" : ` (${hint})`
      }; --provenance-required makes this a failure, --no-provenance skips it`,
    });
    return undefined;
  }
}

async function attach(
  ctx: WorkflowContext,
  project: LoadedProject,
  plan: PushPlan,
  engine: ContainerEngine,
  pushed: readonly string[],
  startedOn: string,
): Promise<AttachedProvenance> {
  const repository = plan.release.slice(0, plan.release.lastIndexOf(":"));
  const digest = pushed.find((entry) => entry.startsWith(`${plan.release}@`))?.split("@")[1];
  if (digest === undefined) throw new RegistryError(`${plan.release} was not pushed`);
  if (registryOf(repository) === undefined)
    throw new RegistryError(`${repository} names no registry host`, {
      hint: "Provenance is attached through the registry's API: name it in the namespace (`127.0.0.1:5000/acme`).",
    });
  const registry = openImageRegistry(ctx, parseCacheRef(repository), project.config.timeout.value * 1000, {
    configDir: plan.configDir,
  });
  const subject = await registry.getManifest(digest, MAX_SUBJECT_BYTES, IMAGE_ACCEPT);
  if (subject === undefined || subject.digest !== digest || !isImageManifest(subject.mediaType))
    throw new RegistryError(`${plan.registry} does not serve the image manifest ${digest} that was pushed`);
  const inputs = await provenanceInputs(ctx, project, plan, engine, { repository, digest, startedOn });
  const statement = Buffer.from(JSON.stringify(composeProvenance(inputs)));
  const statementDigest = sha256(statement);
  if (!(await registry.hasBlob(EMPTY_CONFIG.digest)))
    await registry.putBlob(EMPTY_CONFIG.digest, Buffer.from(EMPTY_CONFIG_BYTES));
  await registry.putBlob(statementDigest, statement);
  const artifact = Buffer.from(
    JSON.stringify(
      composeProvenanceArtifact(
        { digest: statementDigest, size: statement.length },
        { mediaType: subject.mediaType, digest, size: subject.bytes.length },
        inputs.finishedOn,
      ),
    ),
  );
  const artifactDigest = sha256(artifact);
  await registry.putManifest(artifactDigest, artifact, OCI_MANIFEST);
  const tag = referrersTag(digest);
  await updateReferrers(registry, tag, {
    mediaType: OCI_MANIFEST,
    digest: artifactDigest,
    size: artifact.length,
    artifactType: IN_TOTO,
    annotations: composeProvenanceArtifact(
      { digest: statementDigest, size: 0 },
      { mediaType: "", digest, size: 0 },
      inputs.finishedOn,
    ).annotations,
  });
  return { subject: `${repository}@${digest}`, artifact: artifactDigest, referrers: `${repository}:${tag}` };
}

/** Fetch-modify-put of the referrers index: other referrers kept, ours for this subject replaced. */
async function updateReferrers(
  registry: ImageRegistry,
  tag: string,
  entry: Parameters<typeof updateReferrersIndex>[1],
): Promise<void> {
  const current = await registry.getManifest(tag, MAX_INDEX_BYTES, OCI_INDEX);
  let existing: ReturnType<typeof parseReferrersIndex> | undefined;
  if (current !== undefined) {
    try {
      existing = parseReferrersIndex(current.bytes);
    } catch (error) {
      throw new RegistryError(
        `${registry.ref.registry} holds something else under ${tag}: ${(error as Error).message}`,
        {
          hint: "It would be overwritten: remove or rename that tag, then push again.",
        },
      );
    }
  }
  const index = Buffer.from(JSON.stringify(updateReferrersIndex(existing, entry)));
  await registry.putManifest(tag, index, OCI_INDEX);
}

function sha256(bytes: Buffer): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

/** The wheelhouse's manifest the release was built from, checked against the image's label. */
function releasedManifest(
  project: LoadedProject,
  label: string | undefined,
): { bytes: Buffer; manifest: Manifest } {
  const file = path.join(project.wheelhouseDir, MANIFEST_FILE);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    throw new RegistryError(`There is no ${file} to record in the provenance`, {
      hint: "Push from the project whose wheelhouse the release was built from.",
    });
  }
  const manifest: unknown = JSON.parse(bytes.toString("utf8"));
  if (!isManifest(manifest)) throw new RegistryError(`${file} is not a wheelhouse manifest of this version`);
  if (label !== manifest.inputs.fingerprint)
    throw new RegistryError("the wheelhouse was rebuilt since the release image was made from it", {
      hint: "Run `wheelwright release` again, then push.",
    });
  return { bytes, manifest };
}

async function provenanceInputs(
  ctx: WorkflowContext,
  project: LoadedProject,
  plan: PushPlan,
  engine: ContainerEngine,
  image: { repository: string; digest: string; startedOn: string },
): Promise<ProvenanceInputs> {
  const { config } = project;
  const release = await engine.inspectImage(plan.release);
  const { bytes, manifest } = releasedManifest(project, release?.labels[LABEL_WHEELHOUSE]);
  const git = await readProjectGit(ctx, project);
  if (git.kind !== "commit")
    throw new RegistryError(`the project is not a git commit (${git.reason}): there is no commit to record`);
  const contents = releaseContents(manifest);
  const wheels: ProvenanceWheel[] = [contents.app, ...contents.dependencies].map(
    ({ name, version, sha256 }) => ({
      name,
      version,
      sha256,
    }),
  );
  const tag = plan.release.slice(plan.release.lastIndexOf(":") + 1);
  const imageOf = async (context: string) => {
    const reference = `${imageRepository(config.namespace.value, config.app.value, contextImageName(context))}:${tag}`;
    return { reference, id: (await engine.inspectImage(reference))?.id };
  };
  const fromWheels = new Set(wheels.map((wheel) => `${normalizeName(wheel.name)}==${wheel.version}`));
  const installed = installedDistributionsOf(
    (await readImagePythonContents(engine, plan.release, plan.runId, ctx.signal)).distributions,
  );
  return {
    repository: image.repository,
    digest: image.digest,
    command: `wheelwright ${plan.command}`.trim(),
    target: project.target?.name,
    extras: manifest.inputs.extras,
    groups: manifest.inputs.groups,
    indexUrl: config.indexUrl.value,
    extraIndexUrls: config.extraIndexUrls.value ?? [],
    findLinks: config.findLinks.value ?? [],
    sourceDateEpoch: manifest.inputs.sourceDateEpoch ?? parseSourceDateEpoch(ctx.env.SOURCE_DATE_EPOCH),
    source: { uri: `git+${git.remote ?? `file://${project.root}`}`, commit: git.sha },
    builder: { ...(await imageOf(config.builderContext.value)), identity: manifest.inputs.builder },
    base: await imageOf("base"),
    manifest: {
      sha256: sha256(bytes).slice("sha256:".length),
      fingerprint: manifest.inputs.fingerprint,
      wheels,
    },
    otherDistributions: installed.filter(
      (dist) => !fromWheels.has(`${normalizeName(dist.name)}==${dist.version}`),
    ),
    toolVersion: ctx.toolVersion,
    runId: plan.runId,
    startedOn: image.startedOn,
    finishedOn: new Date(ctx.clock()).toISOString(),
  };
}
