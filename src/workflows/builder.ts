// Which builder a build uses, and readying it: the image folders' content hash or the local Python
// identify it without the engine; the engine is detected, and the builder image built, only on demand.
import { existsSync } from "node:fs";
import type { LoadedProject } from "../config/load.js";
import type { EngineLocation } from "../domain/engine-endpoint.js";
import { imageRepository } from "../domain/image-ref.js";
import type { IndexSettings } from "../domain/index-settings.js";
import {
  cacheVolumeName,
  LABEL_CONTEXT,
  LABEL_CONTEXT_HASH,
  LABEL_PROJECT,
  LABEL_RUN,
  projectId,
} from "../domain/labels.js";
import type { Manifest } from "../domain/manifest.js";
import { contextImageName } from "../domain/names.js";
import { platformOf } from "../domain/platform.js";
import type { Detection } from "../engine/detect.js";
import type { ContainerEngine, ContainerSpec, ImageInfo } from "../engine/engine.js";
import { ImageBuildError } from "../errors.js";
import { startContainerSandbox } from "../execute/container-sandbox.js";
import { findImageInfoByContent } from "../execute/find-image.js";
import { HELPER_PARENT } from "../execute/helper-files.js";
import { startLocalSandbox } from "../execute/local-sandbox.js";
import type { BuildSandbox } from "../execute/sandbox.js";
import { BUILDER_PATHS, builderContainerSpec } from "../plan/builder-container.js";
import { imageContentHash } from "../plan/image-plan.js";
import { localIndexDirsOf } from "../project/build-inputs.js";
import { projectContextFolders } from "../project/contexts.js";
import { buildImages, planImageBuild } from "./build-images.js";
import { checkBuilderPlatform } from "./builder-platform.js";
import type { WorkflowContext } from "./context.js";
import { copyNotice, foldersToCopy, planIndexDelivery, warnLoopbackIndexes } from "./index-delivery.js";

/**
 * A second builder for `build --check-reproducible`: another name and hostname, and empty caches
 * (a temporary cache volume or folder, removed with it), so nothing of the first build is reused.
 */
export interface BuilderVariant {
  suffix: string;
}

export interface PreparedBuilder {
  /** The builder that will really run (may differ from the one expected). */
  builderId: string;
  /** Where the builder runs (`linux/amd64`): its image's platform, or this machine's for the local engine. */
  platform: string;
  startSandbox: () => Promise<BuildSandbox>;
}

export interface BuilderChoice {
  project: LoadedProject;
  /** The image folder to run in: the builder's, or (for `test`) the dev image's. */
  context: string;
}

/** The builder image's content hash (its folder and the folders it is built FROM), as an id. */
export function imageBuilderId({ project, context }: BuilderChoice): string {
  return `image:${imageContentHash(project.config, projectContextFolders(project), context)}`;
}

async function localBuilderId(ctx: WorkflowContext): Promise<string> {
  const version = await ctx.runner.run(
    ["python3", "-c", "import sys, pip; print(sys.version.split()[0], pip.__version__)"],
    { env: ctx.env },
  );
  return `local:python ${version.stdout.trim()}`;
}

/**
 * The builder that would run: the configured engine's, or for `auto` the one that built the
 * previous wheelhouse (so an up-to-date check asks no engine and starts no process).
 */
export async function expectedBuilderId(
  ctx: WorkflowContext,
  choice: BuilderChoice,
  previous: Manifest | undefined,
): Promise<string> {
  const engine = choice.project.config.engine.value;
  if (engine === "local") return localBuilderId(ctx);
  if (engine !== "auto") return imageBuilderId(choice);
  if (previous !== undefined)
    return previous.inputs.builder.startsWith("local:") ? localBuilderId(ctx) : imageBuilderId(choice);
  const detection = await ctx.detectEngine(engine);
  return detection.kind === "container" ? imageBuilderId(choice) : localBuilderId(ctx);
}

/** The builder image for this commit, built first when it is missing or older than its folder. */
async function ensureBuilderImage(
  ctx: WorkflowContext,
  choice: BuilderChoice,
  engine: ContainerEngine,
): Promise<{ image: string; info?: ImageInfo }> {
  const found = await builderImageFor(ctx, choice, engine);
  if (found.exists) return { image: found.image, ...(found.info === undefined ? {} : { info: found.info }) };
  const context = contextImageName(choice.context);
  const plan = await planImageBuild(ctx, choice.project, { targets: [context], all: false }, engine);
  const existing = await engine.inspectImage(found.image);
  ctx.emit({
    type: "notice",
    message: `the builder image ${found.image} is ${existing === undefined ? "missing" : "older than its folder"}: building it`,
  });
  await buildImages(ctx, choice.project, plan, engine);
  return { image: found.image };
}

function noticeLocal(ctx: WorkflowContext, detection: Detection, project: LoadedProject): void {
  if (project.config.engine.value !== "auto") return;
  const rejected = detection.report.filter((r) => !r.accepted).map((r) => `${r.candidate}: ${r.reason}`);
  ctx.emit({
    type: "notice",
    message: `no container engine answered (${rejected.join("; ")}): building with the local engine`,
  });
}

/** Detects the engine and readies the builder (building its image when needed). */
export async function prepareBuilder(
  ctx: WorkflowContext,
  choice: BuilderChoice,
  index: IndexSettings,
  runId: string,
  variant?: BuilderVariant,
): Promise<PreparedBuilder> {
  const { project } = choice;
  const detection = await ctx.detectEngine(project.config.engine.value);
  if (detection.kind === "local") {
    noticeLocal(ctx, detection, project);
    return {
      builderId: await localBuilderId(ctx),
      platform: platformOf(process.platform, process.arch),
      startSandbox: () =>
        startLocalSandbox({
          runner: ctx.runner,
          env: ctx.env,
          helperParent: HELPER_PARENT,
          tmpdir: ctx.tmpdir,
          freshCache: variant !== undefined,
        }),
    };
  }
  const { endpoint, location } = detection.capabilities;
  // Decided before any image build: a remote engine that cannot get the index fails at once.
  const copies = foldersToCopy(planIndexDelivery(project, index, detection.capabilities), project, endpoint);
  if (location === "remote") warnLoopbackIndexes(ctx, index, endpoint);
  const cacheVolumeExists = askCacheVolume(detection.engine, project, variant);
  const ensured = await ensureBuilderImage(ctx, choice, detection.engine);
  const image = ensured.image;
  // pip skips a missing local location with a warning; a bind mount of one would fail the container.
  for (const dir of localIndexDirsOf(index, project.root).filter((d) => !existsSync(d))) {
    ctx.emit({
      type: "warning",
      message: `the package location ${dir} does not exist; pip will find nothing there`,
    });
  }
  // The image found by its content was inspected as it was found; one just built is inspected now.
  const info = ensured.info ?? (await detection.engine.inspectImage(image));
  if (info === undefined) throw new ImageBuildError(`The builder image ${image} is missing after its build`);
  const emulated = await checkBuilderPlatform(ctx, project, detection.engine, info, image);
  const spec = builderSpecFor(project, image, index, runId, info.volumes, undefined, location);
  return {
    builderId: imageBuilderId(choice),
    platform: info.platform,
    startSandbox: () => {
      for (const copy of copies) ctx.emit({ type: "notice", message: copyNotice(copy, endpoint) });
      return startContainerSandbox({
        engine: detection.engine,
        spec,
        helperParent: HELPER_PARENT,
        signal: ctx.signal,
        hostFolders: copies.map((copy) => copy.dir),
        ...(cacheVolumeExists === undefined ? {} : { cacheVolumeExists }),
        ...(emulated === undefined ? {} : { note: emulated }),
      });
    },
  };
}

/**
 * Whether the project's cache volume exists, asked beside the image lookup (a read-only query), so
 * the builder's start need not ask it after; undefined for a variant (it gets a volume of its own).
 */
function askCacheVolume(
  engine: ContainerEngine,
  project: LoadedProject,
  variant: BuilderVariant | undefined,
): Promise<boolean> | undefined {
  if (variant !== undefined) return undefined;
  const { namespace, app } = project.config;
  return engine
    .volumeExists(cacheVolumeName(namespace.value, app.value, project.target?.platform))
    .catch(() => false);
}

/**
 * The image's VOLUME paths: none when there is no engine or no such image yet (so `--dry-run` of a
 * build that must first build its builder image cannot show the tmpfs mounts the run will add).
 */
export async function imageVolumesOf(engine: ContainerEngine | undefined, image: string): Promise<string[]> {
  return (await engine?.inspectImage(image))?.volumes ?? [];
}

/**
 * Whether the builder's cache volume must be made before it starts (the sandbox makes it then): so
 * a plan shows that step. Without an engine (a dry run with none answering), assumed missing.
 */
export async function cacheVolumeMissing(
  engine: ContainerEngine | undefined,
  spec: ContainerSpec,
): Promise<boolean> {
  const cache = spec.mounts.find((mount) => mount.kind === "volume" && mount.target === BUILDER_PATHS.cache);
  if (cache === undefined) return false;
  return engine === undefined || !(await engine.volumeExists(cache.source));
}

/** The builder container of a run, as planned (the same spec `build --dry-run` prints). */
export function builderSpecFor(
  project: LoadedProject,
  image: string,
  index: IndexSettings,
  runId: string,
  imageVolumes: readonly string[],
  variant?: BuilderVariant,
  location: EngineLocation = "local",
): ContainerSpec {
  const { namespace, app } = project.config;
  const name = variant === undefined ? `wheelwright-${runId}` : `wheelwright-${runId}-${variant.suffix}`;
  return builderContainerSpec({
    name,
    ...(variant === undefined ? {} : { hostname: `wheelwright-${variant.suffix}` }),
    image,
    labels: { [LABEL_PROJECT]: projectId(namespace.value, app.value), [LABEL_RUN]: runId },
    network: project.config.network.value,
    cacheVolume:
      variant === undefined ? cacheVolumeName(namespace.value, app.value, project.target?.platform) : name,
    // Local index folders are mounted read-only at the same path (those that exist); a remote
    // engine's host lacks them: they are copied in instead (workflows/index-delivery.ts).
    readOnlyHostDirs:
      location === "local" ? localIndexDirsOf(index, project.root).filter((d) => existsSync(d)) : [],
    imageVolumes,
    ...(project.config.memory.value === undefined ? {} : { memory: project.config.memory.value }),
  });
}

/** The builder image a build would use, without building it: an image of the same content, or the one planned. */
export async function builderImageFor(
  ctx: WorkflowContext,
  choice: BuilderChoice,
  engine: ContainerEngine | undefined,
): Promise<{ image: string; exists: boolean; info?: ImageInfo }> {
  const { project } = choice;
  const context = contextImageName(choice.context);
  const { namespace, app } = project.config;
  if (engine !== undefined) {
    const found = await findImageInfoByContent(engine, {
      repository: imageRepository(namespace.value, app.value, context),
      preferredTag: "",
      labels: {
        [LABEL_PROJECT]: projectId(namespace.value, app.value),
        [LABEL_CONTEXT]: context,
        [LABEL_CONTEXT_HASH]: imageBuilderId(choice).replace(/^image:/, ""),
      },
    });
    if (found !== undefined) return { image: found.tag, exists: true, info: found.info };
  }
  const plan = await planImageBuild(ctx, project, { targets: [context], all: false }, engine);
  return { image: plan.steps.find((s) => s.context === context)!.tags[0]!, exists: false };
}
