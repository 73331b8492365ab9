// Carries out an ImagePlan on an engine: each build in order, then the prune of this project's
// dangling images (never anyone else's: the label filter is the project's own).
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
  const needsBuildKit = plan.steps.filter((s): s is ImageBuildStep => s.kind === "build-image" && s.buildKit);
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
      if (planned.kind !== "build-image") continue;
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
    if (planned.kind === "build-image") {
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
    } else {
      const dangling = await engine.listImages({ labels: planned.labels, dangling: true });
      if (dangling.length > 0) {
        const { removed, failed } = await engine.removeImages(dangling);
        emit({ type: "notice", message: `removed ${removed.length} dangling image(s) of this project` });
        if (failed.length > 0)
          emit({
            type: "warning",
            message: `${failed.length} dangling image(s) are still in use and were kept`,
          });
      }
    }
  }
  return results;
}
