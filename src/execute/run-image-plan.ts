// Carries out an ImagePlan on an engine: each build in order, exactly as planned; then the images a
// build replaced (its tags moved away from them, and no tag names them any more) are removed. The
// plan's scratch folder (for generated Dockerfiles) must exist: the caller owns its lifetime.
import { writeFileSync } from "node:fs";
import { describeBuildStep, parseBuildStepLine } from "../domain/build-step-line.js";
import type { Engine, ImageInfo } from "../engine/engine.js";
import { EngineUnavailableError, ImageBuildError } from "../errors.js";
import { type EventSink, step } from "../events.js";
import type { ImageBuildStep, ImagePlan } from "../plan/image-plan.js";

export interface ImageResult {
  context: string;
  imageId: string;
  tags: readonly string[];
  /** The image as inspected right after its build (an image only retagged has none). */
  info?: ImageInfo;
}

export interface ImagePlanRun {
  plan: ImagePlan;
  engine: Engine;
  /** False: refuse at once when a FROM image is missing, instead of letting the engine pull. */
  pull: boolean;
  emit: EventSink;
  clock: () => number;
  signal?: AbortSignal;
}

export async function runImagePlan(run: ImagePlanRun): Promise<ImageResult[]> {
  const { plan, engine } = run;
  await checkBuildKit(plan.steps, engine);
  if (!run.pull) await checkExternalImages(plan.steps, engine);
  const results: ImageResult[] = [];
  for (const planned of plan.steps) results.push(await buildOne(run, planned));
  return results;
}

async function buildOne(run: ImagePlanRun, planned: ImageBuildStep): Promise<ImageResult> {
  const { engine, emit } = run;
  // The images these tags name now: once the build moves the tags, those left with no tag are
  // removed (the seed removed every dangling image on the host; stage caches must survive too).
  const before = await Promise.all(planned.tags.map((tag) => engine.inspectImage(tag)));
  if (planned.writes !== undefined) writeFileSync(planned.writes.path, planned.writes.text);
  const { imageId, info } = await step(
    emit,
    planned.id,
    planned.title,
    () => engine.buildImage(planned.spec, buildOutputEvents(planned.id, emit), run.signal),
    run.clock,
    (result) => result.imageId.replace(/^sha256:/, "").slice(0, 12),
  );
  const replaced = new Set(
    before.flatMap((info) => (info !== undefined && info.id !== imageId ? [info.id] : [])),
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
  return { context: planned.context, imageId, tags: planned.tags, info };
}

/**
 * The engine's output lines as events, plus a progress milestone each time the build reaches a
 * new Dockerfile step. BuildKit repeats a step's header when its output interleaves with another
 * step's: a step already announced is not announced again.
 */
function buildOutputEvents(id: string, emit: EventSink): (line: string, stream: "stdout" | "stderr") => void {
  const announced = new Set<string>();
  return (line, stream) => {
    emit({ type: "output", id, line, stream });
    const parsed = parseBuildStepLine(line);
    if (parsed !== undefined && !announced.has(`${parsed.stage ?? ""} ${parsed.step}`)) {
      announced.add(`${parsed.stage ?? ""} ${parsed.step}`);
      emit({
        type: "progress",
        id,
        text: describeBuildStep(parsed),
        done: parsed.step - 1,
        total: parsed.total,
        milestone: true,
      });
    }
  };
}

/** Never downgrade silently: a legacy build would ignore RUN --mount (and drop a secret). */
async function checkBuildKit(steps: readonly ImageBuildStep[], engine: Engine): Promise<void> {
  const needing = steps.filter((s) => s.needsBuildKit);
  if (needing.length === 0 || (await engine.features()).buildKit) return;
  throw new EngineUnavailableError(
    `${needing.map((s) => s.spec.dockerfile).join(", ")} uses RUN --mount, which needs BuildKit, and this engine only has the legacy builder`,
    {
      hint: "Install the buildx plugin (or use Debian's docker.io client, which has BuildKit built in), or remove the --mount options.",
    },
  );
}

/** Offline: a missing FROM image would make the engine try a registry (and hang or fail late). */
async function checkExternalImages(steps: readonly ImageBuildStep[], engine: Engine): Promise<void> {
  const missing: string[] = [];
  for (const image of new Set(steps.flatMap((s) => s.externalImages))) {
    if ((await engine.inspectImage(image)) === undefined) missing.push(image);
  }
  if (missing.length === 0) return;
  throw new ImageBuildError(
    `FROM image${missing.length > 1 ? "s" : ""} missing on the engine, and pulls are off (pull = false): ${missing.join(", ")}`,
    {
      hint: "Create or load the image first (the README shows how to make debian:bookworm-slim offline with debootstrap), or set pull = true where a registry is reachable.",
    },
  );
}
