// `wheelwright image FOLDER [CONTEXT]` and `wheelwright image --all`: the seed's `make image`.
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import type { LoadedProject } from "../../config/load.js";
import { shellQuote } from "../../domain/shell-quote.js";
import { parseSourceDateEpoch } from "../../domain/source-date-epoch.js";
import { requireContainerEngine } from "../../engine/detect.js";
import { imageBuildArgv } from "../../engine/docker-argv.js";
import type { Engine } from "../../engine/engine.js";
import { InputError, UsageError } from "../../errors.js";
import { findImageByContent } from "../../execute/find-image.js";
import { buildSpecOf, runImagePlan } from "../../execute/run-image-plan.js";
import { type ImagePlan, type ImageRequest, planImages } from "../../plan/image-plan.js";
import { listContextFolders } from "../../project/contexts.js";
import { readGitFacts } from "../../project/git.js";
import { detectSessionEngine, loadSessionProject, type Session } from "../session.js";

export interface ImageOptions {
  all?: boolean;
  dryRun?: boolean;
}

/** FOLDER may be a path (`docker/builder`) or a bare image folder name (`builder`). */
function resolveTarget(project: LoadedProject, cwd: string, folder: string): string {
  const asPath = path.resolve(cwd, folder);
  const asName = path.join(project.imagesDir, folder);
  const found = existsSync(asPath) ? asPath : existsSync(asName) ? asName : undefined;
  if (found === undefined) return path.basename(folder);
  if (!statSync(found).isDirectory()) throw new InputError(`${folder} is not a folder`);
  if (path.dirname(found) !== project.imagesDir) {
    throw new InputError(
      `${folder} is not an image folder: image folders lie directly under ${project.config.images.value}/`,
      {
        hint: "Move the folder under the images folder, or set `images` in the config.",
      },
    );
  }
  return path.basename(found);
}

export async function planImageCommand(
  session: Session,
  project: LoadedProject,
  request: ImageRequest,
  engine: Engine | undefined,
): Promise<ImagePlan> {
  const git = await readGitFacts(project.root, session.runner);
  const epoch = parseSourceDateEpoch(session.env.SOURCE_DATE_EPOCH);
  const contexts = listContextFolders(project.root, project.imagesDir);
  const plan = (existingImages: ReadonlyMap<string, string>) =>
    planImages({
      config: project.config,
      contexts,
      request,
      git,
      existingImages,
      now: epoch ?? Math.floor(session.clock() / 1000),
      sourceUrl: git.kind === "commit" && git.remote !== undefined ? git.remote : `file://${project.root}`,
    });
  // A first plan without engine facts tells which dependency images to look for.
  const draft = plan(new Map());
  const existing = new Map<string, string>();
  if (engine !== undefined) {
    for (const planned of draft.steps) {
      if (planned.reason === "requested") continue;
      const found = await findImageByContent(engine, {
        repository: planned.repository,
        preferredTag: planned.tags[0]!,
        labels: planned.labels,
      });
      if (found !== undefined) existing.set(planned.context, found);
    }
  }
  return existing.size === 0 ? draft : plan(existing);
}

/** Reports the plan's warnings, then builds its images with the session's settings. */
export function buildPlannedImages(
  session: Session,
  project: LoadedProject,
  plan: ImagePlan,
  engine: Engine,
) {
  for (const warning of plan.warnings) session.emit({ type: "warning", message: warning });
  return runImagePlan({
    plan,
    engine,
    pull: project.config.pull.value,
    root: project.root,
    emit: session.emit,
    signal: session.signal,
  });
}

export async function imageCommand(
  session: Session,
  folders: string[],
  options: ImageOptions,
): Promise<void> {
  if (options.all && folders.length > 0) throw new UsageError("Give either --all or a FOLDER, not both");
  if (!options.all && folders.length === 0)
    throw new UsageError("Missing FOLDER (e.g. `wheelwright image docker/builder`), or use --all");
  if (folders.length > 2) throw new UsageError("Too many arguments: wheelwright image FOLDER [CONTEXT]");
  const project = loadSessionProject(session);
  const request: ImageRequest = { targets: [], all: options.all === true };
  if (!options.all) {
    request.targets = [resolveTarget(project, session.cwd, folders[0]!)];
    if (folders[1] !== undefined) {
      const contextDir = path.resolve(session.cwd, folders[1]);
      if (!existsSync(contextDir) || !statSync(contextDir).isDirectory())
        throw new InputError(`Build context ${folders[1]} is not a folder`);
      request.contextPath = path.relative(project.root, contextDir) || ".";
    }
  }
  // Plan first without an engine: every input problem is found before any engine call, and a
  // dry run works where no engine answers.
  const draft = await planImageCommand(session, project, request, undefined);
  if (options.dryRun) {
    printPlan(session, project, draft);
    return;
  }
  const detection = requireContainerEngine(await detectSessionEngine(session, project), "image");
  const plan = await planImageCommand(session, project, request, detection.engine);
  const results = await buildPlannedImages(session, project, plan, detection.engine);
  if (session.json) session.out(`${JSON.stringify({ version: 1, images: results }, null, 2)}\n`);
  else for (const result of results) session.out(`${result.tags.join(" ")}\n`);
}

function printPlan(session: Session, project: LoadedProject, plan: ImagePlan): void {
  const binary = project.config.engine.value === "podman" ? "podman" : "docker";
  const commands = plan.steps.map((planned) =>
    imageBuildArgv(binary, buildSpecOf(planned, project.root, false)),
  );
  if (session.json) {
    session.out(
      `${JSON.stringify({ ...plan, steps: plan.steps.map((s, i) => ({ ...s, command: commands[i] })) }, null, 2)}\n`,
    );
    return;
  }
  for (const warning of plan.warnings) session.out(`# warning: ${warning}\n`);
  for (const argv of commands) session.out(`${argv.map(shellQuote).join(" ")}\n`);
}
