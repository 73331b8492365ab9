// `wheelwright image FOLDER [CONTEXT]` and `wheelwright image --all`: the seed's `make image`.
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import type { LoadedProject } from "../../config/load.js";
import { requireContainerEngine } from "../../engine/detect.js";
import { InputError, UsageError } from "../../errors.js";
import type { ImageRequest } from "../../plan/image-plan.js";
import { buildImages, draftDependsOnEngine, planImageBuild } from "../../workflows/build-images.js";
import { engineForPlan } from "../../workflows/planning-engine.js";
import { printPlan } from "../print-plan.js";
import { loadSessionProject, type Session, workflowContext } from "../session.js";

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
      { hint: "Move the folder under the images folder, or set `images` in the config." },
    );
  }
  return path.basename(found);
}

function imageRequest(
  session: Session,
  project: LoadedProject,
  folders: string[],
  all: boolean,
): ImageRequest {
  if (all && folders.length > 0) throw new UsageError("Give either --all or a FOLDER, not both");
  if (!all && folders.length === 0)
    throw new UsageError("Missing FOLDER (e.g. `wheelwright image docker/builder`), or use --all");
  if (folders.length > 2) throw new UsageError("Too many arguments: wheelwright image FOLDER [CONTEXT]");
  if (all) return { targets: [], all: true };
  const target = resolveTarget(project, session.cwd, folders[0]!);
  if (folders[1] === undefined) return { targets: [target], all: false };
  const contextDir = path.resolve(session.cwd, folders[1]);
  if (!existsSync(contextDir) || !statSync(contextDir).isDirectory())
    throw new InputError(`Build context ${folders[1]} is not a folder`);
  return { targets: [target], all: false, contextDir };
}

export async function imageCommand(
  session: Session,
  folders: string[],
  options: ImageOptions,
): Promise<void> {
  const project = loadSessionProject(session);
  const request = imageRequest(session, project, folders, options.all === true);
  const ctx = workflowContext(session);
  // Planned first without an engine: every input problem is found before any engine call.
  const draft = await planImageBuild(ctx, project, request, undefined);
  if (options.dryRun) {
    const engine = draftDependsOnEngine(draft, request) ? await engineForPlan(ctx, project) : undefined;
    const plan = engine === undefined ? draft : await planImageBuild(ctx, project, request, engine);
    printPlan(session, { ...plan, steps: [...plan.retags, ...plan.steps] });
    return;
  }
  const { engine } = requireContainerEngine(await ctx.detectEngine(project.config.engine.value), "image");
  const results = await buildImages(
    ctx,
    project,
    await planImageBuild(ctx, project, request, engine),
    engine,
  );
  if (session.json) session.out(`${JSON.stringify({ version: 1, images: results }, null, 2)}\n`);
  else for (const result of results) session.out(`${result.tags.join(" ")}\n`);
}
