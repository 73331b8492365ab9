// `wheelwright clean [--all] [--force]`, the seed's `make clean`: under the wheelhouse's lock (so it
// never pulls a running build's files or container from under it), remove what wheelwright made and
// nothing else; found by the manifest, by name and by the project's label, never another project's.
import { existsSync, readdirSync, rmdirSync, rmSync } from "node:fs";
import type { LoadedProject } from "../config/load.js";
import { imageRepository } from "../domain/image-ref.js";
import { cacheVolumeName, LABEL_PROJECT, projectId } from "../domain/labels.js";
import { MANIFEST_FILE, REQUIREMENTS_FILE } from "../domain/manifest.js";
import { contextImageName } from "../domain/names.js";
import { SBOM_FILE } from "../domain/sbom.js";
import type { ContainerEngine } from "../engine/engine.js";
import { sweepStaleScratch } from "../execute/scratch.js";
import { readManifest, wheelhouseLeftovers } from "../execute/wheelhouse.js";
import { lockWheelhouse } from "../execute/wheelhouse-lock.js";
import { type CleanPlan, planClean } from "../plan/clean-plan.js";
import { binaryFor } from "./build-images.js";
import type { WorkflowContext } from "./context.js";
import { CANDIDATE_TAG_PREFIX } from "./release-image.js";
import { projectStore } from "./result-store.js";

export interface CleanRequest {
  all: boolean;
  force: boolean;
}

/** Files wheelwright writes into a wheelhouse besides the wheels its manifest lists. */
export const OWN_WHEELHOUSE_FILES = [MANIFEST_FILE, REQUIREMENTS_FILE, SBOM_FILE];

export async function planCleanProject(
  ctx: WorkflowContext,
  project: LoadedProject,
  request: CleanRequest,
  engine: ContainerEngine | undefined,
): Promise<CleanPlan> {
  const dir = project.wheelhouseDir;
  const manifest = readManifest(dir);
  const store = projectStore(ctx, project);
  return planClean({
    binary: binaryFor(project.config.engine.value, engine),
    wheelhouseDir: dir,
    wheelhouseFiles: existsSync(dir) ? readdirSync(dir).sort() : undefined,
    ownFiles: new Set([...OWN_WHEELHOUSE_FILES, ...(manifest?.wheels.map((wheel) => wheel.filename) ?? [])]),
    leftovers: wheelhouseLeftovers(dir),
    force: request.force,
    all: request.all,
    engine: engine === undefined ? undefined : await engineFacts(project, engine),
    store: existsSync(store.dir) ? store.dir : undefined,
  });
}

async function engineFacts(project: LoadedProject, engine: ContainerEngine) {
  const { namespace, app, releaseContext } = project.config;
  const label = `${LABEL_PROJECT}=${projectId(namespace.value, app.value)}`;
  const release = imageRepository(namespace.value, app.value, contextImageName(releaseContext.value));
  // Each target's clean removes its platform's volume (targets of one platform share it).
  const volume = cacheVolumeName(namespace.value, app.value, project.target?.platform);
  return {
    containers: await engine.listContainers([label]),
    danglingImages: await engine.listImages({ labels: [label], dangling: true }),
    candidateTags: (await engine.listTags(release)).filter((tag) =>
      tag.startsWith(`${release}:${CANDIDATE_TAG_PREFIX}`),
    ),
    volume: (await engine.volumeExists(volume)) ? volume : undefined,
  };
}

/**
 * Takes the wheelhouse's lock (a running build, test or release holds it: exit 10), plans under it,
 * and carries the plan out; returns what was removed, for the summary.
 */
export async function cleanProject(
  ctx: WorkflowContext,
  project: LoadedProject,
  request: CleanRequest,
  engine: ContainerEngine | undefined,
): Promise<string[]> {
  const lock = lockWheelhouse(project.wheelhouseDir, `wheelwright clean${request.all ? " --all" : ""}`);
  const removed: string[] = [];
  try {
    const plan = await planCleanProject(ctx, project, request, engine);
    for (const warning of plan.warnings) ctx.emit({ type: "warning", message: warning });
    for (const file of plan.removeFiles) rmSync(file, { force: true });
    if (plan.removeWheelhouse) rmdirSync(project.wheelhouseDir);
    if (plan.removeFiles.length > 0 || plan.removeWheelhouse)
      removed.push(
        `${project.config.wheelhouse.value}/${project.target === undefined ? "" : `${project.target.name}/`} (${plan.removeFiles.length} ${plan.removeFiles.length === 1 ? "file" : "files"})`,
      );
    for (const folder of plan.removeFolders) rmSync(folder, { recursive: true, force: true });
    if (plan.store !== undefined) {
      rmSync(plan.store, { recursive: true, force: true });
      removed.push("result store");
    }
    const swept = sweepStaleScratch(ctx.tmpdir);
    if (swept.length > 0) removed.push(`${swept.length} temporary folder(s) of killed runs`);
    if (engine !== undefined) removed.push(...(await cleanEngine(plan, engine)));
  } finally {
    lock.release();
  }
  return removed;
}

async function cleanEngine(plan: CleanPlan, engine: ContainerEngine): Promise<string[]> {
  const removed: string[] = [];
  await engine.removeContainers([...plan.containers]);
  if (plan.containers.length > 0) removed.push(`${plan.containers.length} container(s)`);
  for (const tag of plan.candidateTags) await engine.untagImage(tag);
  if (plan.candidateTags.length > 0) removed.push(`${plan.candidateTags.length} release candidate tag(s)`);
  const images = await engine.removeImages([...plan.images]);
  if (images.removed.length > 0) removed.push(`${images.removed.length} dangling image(s)`);
  if (plan.volume !== undefined && (await engine.removeVolume(plan.volume)))
    removed.push(`cache volume ${plan.volume}`);
  return removed;
}
