// `wheelwright release [TAG...]`, the seed's `make release`, done right: the release image from the
// base image of this commit and the runtime wheels alone, checked, given its SBOM (issue 14), and
// only then tagged.
import path from "node:path";
import type { LoadedProject } from "../config/load.js";
import { tagProblem } from "../domain/image-ref.js";
import { type ImageSystem, readImageSystem } from "../domain/image-system.js";
import { contextImageName } from "../domain/names.js";
import { releaseContents } from "../domain/release-contents.js";
import { sbomBasis } from "../domain/release-sbom.js";
import type { ContainerEngine, ImageInfo } from "../engine/engine.js";
import { EngineFailureError, ImageBuildError, InputError } from "../errors.js";
import { step } from "../events.js";
import { judgeReleaseImage } from "../execute/release-check.js";
import { makeReleaseContext } from "../execute/release-context.js";
import { addReleaseSbom, type ReleaseSbom } from "../execute/release-sbom-image.js";
import { runImagePlan } from "../execute/run-image-plan.js";
import { makeScratch, scratchPath, sweepStaleScratch } from "../execute/scratch.js";
import { verifyUnlessKnown } from "../execute/wheel-set.js";
import { lockWheelhouse } from "../execute/wheelhouse-lock.js";
import { planRelease, type ReleasePlan } from "../plan/release-plan.js";
import { binaryFor, planImageBuild, readProjectGit } from "./build-images.js";
import type { WorkflowContext } from "./context.js";
import { releaseReferenceOf } from "./release-reference.js";
import { projectStore } from "./result-store.js";
import { currentWheelhouse } from "./wheelhouse-state.js";

export const LABEL_WHEELHOUSE = "io.wheelwright.wheelhouse";
/** Release candidates are tagged `:wheelwright-candidate-<run>` until their check passes. */
export const CANDIDATE_TAG_PREFIX = "wheelwright-candidate-";

export interface ReleaseResult {
  image: string;
  tags: readonly string[];
  sizeBytes: number;
  user: string;
  wheels: string[];
  sbom: ReleaseSbom;
}

export async function planReleaseImage(
  ctx: WorkflowContext,
  project: LoadedProject,
  extraTags: readonly string[],
  engine: ContainerEngine | undefined,
): Promise<ReleasePlan> {
  const badTags = extraTags.flatMap((tag) => {
    const problem = tagProblem(tag);
    return problem === undefined ? [] : [`'${tag}' ${problem}`];
  });
  if (badTags.length > 0) throw new InputError("Invalid release tag", { details: badTags });
  // Git is read once, for the tags and the image plan alike, while the wheelhouse is checked; the
  // wheelhouse's problem, when both have one, is the one said (as when they ran one after another).
  const [wheelhouse, facts] = await Promise.allSettled([
    currentWheelhouse(ctx, project, "release"),
    readProjectGit(ctx, project),
  ]);
  if (wheelhouse.status === "rejected") throw wheelhouse.reason;
  if (facts.status === "rejected") throw facts.reason;
  const manifest = wheelhouse.value;
  const git = facts.value;
  const runId = ctx.newRunId();
  const contextDir = path.join(scratchPath(ctx.tmpdir, runId), "release");
  const sbomContextDir = path.join(scratchPath(ctx.tmpdir, runId), "sbom");
  const reference = releaseReferenceOf(project, git);
  const candidate = `${reference.repository}:${CANDIDATE_TAG_PREFIX}${runId}`;
  const image = await planImageBuild(
    ctx,
    project,
    {
      targets: [contextImageName(project.config.releaseContext.value)],
      all: false,
      contextDir,
      tags: [candidate],
      labels: { [LABEL_WHEELHOUSE]: manifest.inputs.fingerprint },
      preferBuildKit: true,
    },
    engine,
    runId,
    git,
  );
  return planRelease({
    binary: binaryFor(project.config.engine.value, engine),
    contents: releaseContents(manifest),
    wheelhouseDir: project.wheelhouseDir,
    releaseFolder: path.join(project.imagesDir, project.config.releaseContext.value),
    contextDir,
    image,
    candidate,
    sbomContextDir,
    sbomBasis: sbomBasis(manifest),
    finalTags: [
      ...new Set([
        ...reference.tags,
        ...extraTags.map((tag) => `${reference.repository}:${tag}${reference.suffix}`),
      ]),
    ],
    command: ["release", ...extraTags].join(" "),
  });
}

export async function releaseImage(
  ctx: WorkflowContext,
  project: LoadedProject,
  plan: ReleasePlan,
  engine: ContainerEngine,
): Promise<ReleaseResult> {
  for (const warning of plan.warnings) ctx.emit({ type: "warning", message: warning });
  // Held while the wheels are read and the candidate exists: no build swaps the wheelhouse under
  // it and no `clean` removes its candidate tag.
  const lock = lockWheelhouse(project.wheelhouseDir, `wheelwright ${plan.command}`);
  try {
    return await buildCheckTag(ctx, project, plan, engine);
  } finally {
    lock.release();
  }
}

async function buildCheckTag(
  ctx: WorkflowContext,
  project: LoadedProject,
  plan: ReleasePlan,
  engine: ContainerEngine,
): Promise<ReleaseResult> {
  const candidate = await buildCandidate(ctx, project, plan, engine);
  try {
    const { user, system } = await checkCandidate(ctx, project, plan, engine, candidate);
    const { sbom, image: info } = await addReleaseSbom({
      plan,
      system,
      engine,
      emit: ctx.emit,
      clock: ctx.clock,
      signal: ctx.signal,
    });
    // The candidate tag names the image with the SBOM now: that image gets the tags.
    await moveTags(plan, engine, info.id);
    return {
      image: info.id,
      tags: plan.finalTags,
      sizeBytes: info.size,
      user,
      wheels: [plan.contents.app, ...plan.contents.dependencies].map((w) => w.filename),
      sbom,
    };
  } finally {
    // A release that failed its check had only this tag: removing it removes the image.
    await engine.untagImage(plan.candidate);
  }
}

/** The build context (every wheel verified), then the candidate image built from it, as its build inspected it. */
async function buildCandidate(
  ctx: WorkflowContext,
  project: LoadedProject,
  plan: ReleasePlan,
  engine: ContainerEngine,
): Promise<ImageInfo> {
  sweepStaleScratch(ctx.tmpdir);
  const scratch = makeScratch(path.dirname(plan.contextDir));
  try {
    await step(
      ctx.emit,
      "context",
      plan.steps[0]!.title,
      async () => {
        makeReleaseContext(plan);
        // pip's --require-hashes checks each file's hash, never its RECORD: a wheel whose RECORD lies
        // would be installed as it is. The copies are what the image gets, so they are what is
        // verified (or hashed, when the build verified the same bytes).
        const known = projectStore(ctx, project);
        await Promise.all(
          plan.copies.map((copy) => verifyUnlessKnown(copy.to, path.basename(copy.to), known)),
        );
      },
      ctx.clock,
    );
    const built = await runImagePlan({
      plan: plan.image,
      engine,
      pull: project.config.pull.value,
      emit: ctx.emit,
      clock: ctx.clock,
      signal: ctx.signal,
    });
    const candidate = built.find((result) => result.tags.includes(plan.candidate))?.info;
    if (candidate === undefined)
      throw new ImageBuildError(`The release image ${plan.candidate} is missing after its build`);
    return candidate;
  } finally {
    scratch.dispose();
  }
}

/** Runs the check; what it found must not be there, and what it read of dpkg and os-release must be sound. */
async function checkCandidate(
  ctx: WorkflowContext,
  project: LoadedProject,
  plan: ReleasePlan,
  engine: ContainerEngine,
  info: ImageInfo,
): Promise<{ user: string; system: ImageSystem }> {
  return step(
    ctx.emit,
    "check",
    "check the release image",
    async () => {
      const result = await engine.runOnce(plan.check, { signal: ctx.signal });
      ctx.signal.throwIfAborted();
      if (result.exitCode !== 0) {
        // The check itself could not run: say so, and never blame the Dockerfile for it.
        throw new EngineFailureError(
          `The release image could not be checked (the check exited ${result.exitCode})`,
          {
            details: result.output.trim().split("\n").slice(-5),
            hint: "The engine could not start a container from the image; the lines above say why. Fix the engine, then run `wheelwright release` again.",
          },
        );
      }
      const runtime = new Set([plan.contents.app.name, ...plan.contents.dependencies.map((w) => w.name)]);
      const findings = judgeReleaseImage(info, result, plan.contents.excluded, runtime);
      if (findings.problems.length > 0) {
        throw new ImageBuildError("The release image failed its check", {
          details: findings.problems,
          hint: `Fix ${project.config.images.value}/${project.config.releaseContext.value}/Dockerfile: only the base image and the runtime wheels belong in a release.`,
        });
      }
      const read = readImageSystem(result.output);
      if (read.problems.length > 0) {
        throw new ImageBuildError("The release image's Debian packages cannot be listed in its SBOM", {
          details: read.problems,
          hint: "Its /var/lib/dpkg/status (or /etc/os-release) is not what dpkg and Debian write: check what the release Dockerfile (or its base image) does to them.",
        });
      }
      return { user: findings.user, system: read.system };
    },
    ctx.clock,
    ({ user, system }) => `user ${user}, ${system.packages.length} Debian packages`,
  );
}

/** Tags the checked image; the release images these tags named before go once no tag names them. */
async function moveTags(plan: ReleasePlan, engine: ContainerEngine, id: string): Promise<void> {
  const previous = await Promise.all(plan.finalTags.map((tag) => engine.inspectImage(tag)));
  // One after another: podman rewrites an image's list of names on each tag, and two tags given at
  // once lose one of them (seen in the podman engine test).
  for (const tag of plan.finalTags) await engine.tagImage(plan.candidate, tag);
  const replaced = new Set(previous.flatMap((p) => (p !== undefined && p.id !== id ? [p.id] : [])));
  for (const old of replaced) {
    if ((await engine.inspectImage(old))?.repoTags.length === 0) await engine.removeImages([old]);
  }
}
