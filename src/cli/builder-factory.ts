// Which builder a build uses, and readying it: the image folders' content hash or the local Python
// identify it without the engine; the engine is detected, and the builder image built, only on demand.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { LoadedProject } from "../config/load.js";
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
import type { Detection } from "../engine/detect.js";
import { startContainerSandbox } from "../execute/container-sandbox.js";
import { findImageByContent } from "../execute/find-image.js";
import { startLocalSandbox } from "../execute/local-sandbox.js";
import type { PreparedBuilder } from "../execute/run-build.js";
import { builderContentHash } from "../plan/image-plan.js";
import { localIndexDirsOf } from "../project/build-inputs.js";
import { listContextFolders } from "../project/contexts.js";
import { buildPlannedImages, planImageCommand } from "./commands/image.js";
import { detectSessionEngine, type Session } from "./session.js";

export const HELPER_FILE = fileURLToPath(new URL("../../assets/wheelwright_build.py", import.meta.url));

/** The builder image for this commit, built first when it is missing or older than its folder. */
async function ensureBuilderImage(
  session: Session,
  project: LoadedProject,
  detection: Extract<Detection, { kind: "container" }>,
  contentHash: string,
  folder: string,
): Promise<string> {
  const context = contextImageName(folder);
  // Any image of this project built from the same folders will do, whatever commit it was tagged at.
  const { namespace, app } = project.config;
  const sameContent = await findImageByContent(detection.engine, {
    repository: imageRepository(namespace.value, app.value, context),
    preferredTag: "",
    labels: {
      [LABEL_PROJECT]: projectId(namespace.value, app.value),
      [LABEL_CONTEXT]: context,
      [LABEL_CONTEXT_HASH]: contentHash,
    },
  });
  if (sameContent !== undefined) return sameContent;
  const request = { targets: [context], all: false };
  const plan = await planImageCommand(session, project, request, detection.engine);
  const builderStep = plan.steps.find((s) => s.kind === "build-image" && s.context === context);
  if (builderStep === undefined || builderStep.kind !== "build-image")
    throw new Error("no builder step planned");
  const reference = builderStep.tags[0]!;
  const existing = await detection.engine.inspectImage(reference);
  session.emit({
    type: "notice",
    message: `the builder image ${reference} is ${existing === undefined ? "missing" : "older than its folder"}: building it`,
  });
  await buildPlannedImages(session, project, plan, detection.engine);
  return reference;
}

/**
 * Knows which builder a build would use, and readies it on demand. The expected builder's identity
 * is computed without the engine (the image folders' content hash, or the local Python), so an
 * up-to-date build asks the engine nothing.
 */
export class BuilderFactory {
  private detection: Detection | undefined;

  constructor(
    private readonly session: Session,
    private readonly project: LoadedProject,
    private readonly index: IndexSettings,
    private readonly runId: string,
    /** The image folder to run in: the builder's, or (for `test`) the dev image's. */
    private readonly context = project.config.builderContext.value,
  ) {}

  private hash: string | undefined;

  /** The builder image's content hash (its folder and the folders it is built FROM). */
  private contentHash(): string {
    this.hash ??= builderContentHash(
      this.project.config,
      listContextFolders(this.project.root, this.project.imagesDir),
      this.context,
    );
    return this.hash;
  }

  private imageBuilderId(): string {
    return `image:${this.contentHash()}`;
  }

  private async localBuilderId(): Promise<string> {
    const version = await this.session.runner.run(
      ["python3", "-c", "import sys, pip; print(sys.version.split()[0], pip.__version__)"],
      {
        env: this.session.env,
      },
    );
    return `local:python ${version.stdout.trim()}`;
  }

  /** The builder that would run: the configured engine's, or for `auto` the one that built the previous wheelhouse. */
  async expectedBuilderId(previous: Manifest | undefined): Promise<string> {
    const choice = this.project.config.engine.value;
    if (choice === "local") return this.localBuilderId();
    if (choice !== "auto") return this.imageBuilderId();
    if (previous !== undefined)
      return previous.inputs.builder.startsWith("local:") ? this.localBuilderId() : this.imageBuilderId();
    const detection = await this.detect();
    return detection.kind === "container" ? this.imageBuilderId() : this.localBuilderId();
  }

  private async detect(): Promise<Detection> {
    this.detection ??= await detectSessionEngine(this.session, this.project);
    return this.detection;
  }

  async prepare(): Promise<PreparedBuilder> {
    const { session, project, index } = this;
    const detection = await this.detect();
    if (detection.kind === "local") {
      if (project.config.engine.value === "auto") {
        const rejected = detection.report
          .filter((r) => !r.accepted)
          .map((r) => `${r.candidate}: ${r.reason}`);
        session.emit({
          type: "notice",
          message: `no container engine answered (${rejected.join("; ")}): building with the local engine`,
        });
      }
      return {
        builderId: await this.localBuilderId(),
        startSandbox: () =>
          startLocalSandbox({ runner: session.runner, env: session.env, helperFile: HELPER_FILE }),
      };
    }
    const image = await ensureBuilderImage(session, project, detection, this.contentHash(), this.context);
    const id = projectId(project.config.namespace.value, project.config.app.value);
    const localDirs = localIndexDirsOf(index, project.root);
    // pip skips a missing local location with a warning; a bind mount of one would fail the container.
    for (const dir of localDirs.filter((d) => !existsSync(d))) {
      session.emit({
        type: "warning",
        message: `the package location ${dir} does not exist; pip will find nothing there`,
      });
    }
    return {
      builderId: this.imageBuilderId(),
      startSandbox: () =>
        startContainerSandbox({
          engine: detection.engine,
          image,
          name: `wheelwright-${this.runId}`,
          labels: { [LABEL_PROJECT]: id, [LABEL_RUN]: this.runId },
          network: project.config.network.value,
          cacheVolume: cacheVolumeName(project.config.namespace.value, project.config.app.value),
          readOnlyHostDirs: localDirs.filter((d) => existsSync(d)),
          helperFile: HELPER_FILE,
          signal: session.signal,
        }),
    };
  }
}
