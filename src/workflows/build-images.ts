// `wheelwright image`: plan the image builds from the project's folders and git facts (and, when an
// engine is at hand, the images it already has), then carry the plan out.
import path from "node:path";
import type { LoadedProject } from "../config/load.js";
import type { EngineChoice } from "../config/schema.js";
import { outputDir } from "../config/target-view.js";
import type { EngineBinary } from "../domain/engine-commands.js";
import type { GitFacts } from "../domain/git-facts.js";
import { parseSourceDateEpoch } from "../domain/source-date-epoch.js";
import type { Engine } from "../engine/engine.js";
import { findImageByContent } from "../execute/find-image.js";
import { type ImageResult, runImagePlan } from "../execute/run-image-plan.js";
import { makeScratch, scratchPath, sweepStaleScratch } from "../execute/scratch.js";
import { type ImagePlan, type ImageRequest, planImages } from "../plan/image-plan.js";
import { projectContextFolders } from "../project/contexts.js";
import { readGitFacts } from "../project/git.js";
import type { WorkflowContext } from "./context.js";

/** The CLI binary a plan names when no engine was asked (a dry run): podman only when chosen. */
export function binaryFor(choice: EngineChoice, engine?: Engine): EngineBinary {
  return engine?.kind ?? (choice === "podman" ? "podman" : "docker");
}

/**
 * Plans the builds. Without an engine, every input problem is still found (nothing is asked of
 * the engine); with one, an image FROM which the requested one is built is reused when an image of
 * the same content exists, whatever commit it was tagged at.
 */
export async function planImageBuild(
  ctx: WorkflowContext,
  project: LoadedProject,
  request: ImageRequest,
  engine: Engine | undefined,
  runId = ctx.newRunId(),
  /** The git facts when the caller read them already (release reads them once for its tags too). */
  knownGit?: GitFacts,
): Promise<ImagePlan> {
  const [git, buildKit] = await Promise.all([
    knownGit ?? readProjectGit(ctx, project),
    request.preferBuildKit === true && engine?.kind === "docker"
      ? engine.features().then((features) => features.buildKit)
      : undefined,
  ]);
  const epoch = parseSourceDateEpoch(ctx.env.SOURCE_DATE_EPOCH);
  const contexts = projectContextFolders(project);
  const plan = (existingImages: ReadonlyMap<string, string>) =>
    planImages({
      config: project.config,
      contexts,
      request,
      git,
      existingImages,
      now: epoch ?? Math.floor(ctx.clock() / 1000),
      sourceUrl: git.kind === "commit" && git.remote !== undefined ? git.remote : `file://${project.root}`,
      root: project.root,
      binary: binaryFor(project.config.engine.value, engine),
      scratchDir: scratchPath(ctx.tmpdir, runId),
      ...(buildKit === undefined ? {} : { buildKit }),
      ...(project.target === undefined
        ? {}
        : {
            target: {
              name: project.target.name,
              buildArgs: project.target.buildArgs,
              platform: project.target.platform,
            },
          }),
    });
  const draft = plan(new Map());
  if (engine === undefined) return draft;
  const existing = new Map<string, string>();
  for (const planned of draft.steps) {
    if (!mayReuse(planned, request)) continue;
    const found = await findImageByContent(engine, {
      repository: planned.repository,
      preferredTag: planned.tags[0]!,
      labels: planned.labels,
    });
    if (found !== undefined) existing.set(planned.context, found);
  }
  return existing.size === 0 ? draft : plan(existing);
}

/** Whether an existing image of the same content replaces this build (a dependency, or asked to). */
function mayReuse(planned: ImagePlan["steps"][number], request: ImageRequest): boolean {
  return planned.reason !== "requested" || request.reuseSameContent === true;
}

/** Whether what the engine has can change this draft (so a dry run must ask it, as the run will). */
export function draftDependsOnEngine(draft: ImagePlan, request: ImageRequest): boolean {
  return draft.steps.some((planned) => mayReuse(planned, request));
}

/** Reports the plan's warnings, then builds its images, exactly as planned. */
export async function buildImages(
  ctx: WorkflowContext,
  project: LoadedProject,
  plan: ImagePlan,
  engine: Engine,
): Promise<ImageResult[]> {
  for (const warning of plan.warnings) ctx.emit({ type: "warning", message: warning });
  sweepStaleScratch(ctx.tmpdir);
  const scratch = makeScratch(plan.scratchDir);
  try {
    const retagged: ImageResult[] = [];
    for (const retag of plan.retags) {
      for (const tag of retag.tags) await engine.tagImage(retag.source, tag);
      ctx.emit({ type: "notice", message: retag.title });
      retagged.push({
        context: retag.context,
        imageId: (await engine.inspectImage(retag.source))?.id ?? retag.source,
        tags: retag.tags,
      });
    }
    const built = await runImagePlan({
      plan,
      engine,
      pull: project.config.pull.value,
      emit: ctx.emit,
      clock: ctx.clock,
      signal: ctx.signal,
    });
    return [...retagged, ...built];
  } finally {
    scratch.dispose();
  }
}

/**
 * What git's dirty check must not count: wheelwright's own outputs beside the project (the
 * wheelhouse, and its lock, staging and retired folders), so a build never makes a clean tree dirty.
 */
export function ignoredPaths(project: LoadedProject): string[] {
  const relative = path.relative(project.root, outputDir(project)).split(path.sep).join("/");
  const dir = path.posix.dirname(relative);
  return [relative, `${dir === "." ? "" : `${dir}/`}.${path.posix.basename(relative)}.*`];
}

/** The project's git facts, wheelwright's own outputs not counting as changes (ignoredPaths). */
export function readProjectGit(ctx: WorkflowContext, project: LoadedProject): Promise<GitFacts> {
  return readGitFacts(project.root, ctx.runner, ctx.env, ignoredPaths(project));
}
