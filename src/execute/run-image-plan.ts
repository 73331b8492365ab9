// Carries out an ImagePlan on an engine: each build in order; then the images a build replaced
// (its tags moved away from them, and no tag names them any more) are removed.
import path from "node:path";
import type { Engine, ImageBuildSpec } from "../engine/engine.js";
import { EngineUnavailableError, ImageBuildError } from "../errors.js";
import { type EventSink, step } from "../events.js";
import type { ImageBuildStep, ImagePlan } from "../plan/image-plan.js";

export interface ImageResult {
  context: string;
  imageId: string;
  tags: string[];
}

export function buildSpecOf(buildStep: ImageBuildStep, root: string, absolute = true): ImageBuildSpec {
  const resolve = (relative: string) => (absolute ? path.resolve(root, relative) : relative);
  return {
    contextDir: resolve(buildStep.contextPath),
    dockerfile: resolve(buildStep.dockerfile),
    tags: buildStep.tags,
    buildArgs: buildStep.buildArgs,
    labels: buildStep.labels,
    network: buildStep.network,
    buildKit: buildStep.buildKit,
  };
}

export async function runImagePlan(options: {
  plan: ImagePlan;
  engine: Engine;
  /** False: refuse at once when a FROM image is missing, instead of letting the engine pull. */
  pull: boolean;
  root: string;
  emit: EventSink;
  signal?: AbortSignal;
}): Promise<ImageResult[]> {
  const { plan, engine, emit } = options;
  const needsBuildKit = plan.steps.filter((s) => s.buildKit);
  if (needsBuildKit.length > 0 && !(await engine.features()).buildKit) {
    // Never downgrade silently: a legacy build would ignore RUN --mount (and drop a secret).
    throw new EngineUnavailableError(
      `${needsBuildKit.map((s) => s.dockerfile).join(", ")} uses RUN --mount, which needs BuildKit, and this engine only has the legacy builder`,
      {
        hint: "Install the buildx plugin (or use Debian's docker.io client, which has BuildKit built in), or remove the --mount options.",
      },
    );
  }
  if (!options.pull) {
    // Offline: a missing FROM image would make the engine try a registry (and hang or fail late).
    const missing: string[] = [];
    for (const planned of plan.steps) {
      for (const image of planned.externalImages) {
        if (!missing.includes(image) && (await engine.inspectImage(image)) === undefined) missing.push(image);
      }
    }
    if (missing.length > 0) {
      throw new ImageBuildError(
        `FROM image${missing.length > 1 ? "s" : ""} missing on the engine, and pulls are off (pull = false): ${missing.join(", ")}`,
        {
          hint: "Create or load the image first (the README shows how to make debian:bookworm-slim offline with debootstrap), or set pull = true where a registry is reachable.",
        },
      );
    }
  }
  const results: ImageResult[] = [];
  for (const planned of plan.steps) {
    // The images these tags name now: once the build moves the tags, those left with no tag are
    // removed (the seed removed every dangling image on the host; stage caches must survive too).
    const before = await Promise.all(planned.tags.map((tag) => engine.inspectImage(tag)));
    const { imageId } = await step(
      emit,
      `image:${planned.context}`,
      `image ${planned.context} -> ${planned.tags.join(", ")}`,
      () =>
        engine.buildImage(
          buildSpecOf(planned, options.root),
          (line, stream) => emit({ type: "output", id: `image:${planned.context}`, line, stream }),
          options.signal,
        ),
      Date.now,
      (result) => result.imageId.replace(/^sha256:/, "").slice(0, 12),
    );
    results.push({ context: planned.context, imageId, tags: planned.tags });
    const replaced = new Set(
      before.filter((info) => info !== undefined && info.id !== imageId).map((info) => info!.id),
    );
    for (const id of replaced) {
      const now = await engine.inspectImage(id);
      if (now === undefined || now.repoTags.length > 0) continue;
      const { removed } = await engine.removeImages([id]);
      if (removed.length > 0) {
        emit({
          type: "notice",
          message: `removed the ${planned.context} image this build replaced (${id.replace(/^sha256:/, "").slice(0, 12)})`,
        });
      }
    }
  }
  return results;
}
