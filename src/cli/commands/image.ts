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
import { type Session, workflowContext } from "../session.js";
import { forEachTarget, sessionViews, targetLines } from "../target-runs.js";

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
  const views = sessionViews(session);
  const requests = views.map((project) => imageRequest(session, project, folders, options.all === true));
  const ctx = workflowContext(session);
  // Planned first without an engine: every input problem (of every target) is found before any engine call.
  const drafts = [];
  for (const [index, project] of views.entries())
    drafts.push(await planImageBuild(ctx, project, requests[index]!, undefined));
  if (options.dryRun) {
    for (const [index, project] of views.entries()) {
      const request = requests[index]!;
      const draft = drafts[index]!;
      const engine = draftDependsOnEngine(draft, request) ? await engineForPlan(ctx, project) : undefined;
      const plan = engine === undefined ? draft : await planImageBuild(ctx, project, request, engine);
      printPlan(session, { ...plan, steps: [...plan.retags, ...plan.steps] });
    }
    return;
  }
  const { engine } = requireContainerEngine(await ctx.detectEngine(views[0]!.config.engine.value), "image");
  const runs = await forEachTarget(session, ctx, views, async (project, own) => {
    const request = requests[views.indexOf(project)]!;
    return buildImages(own, project, await planImageBuild(own, project, request, engine), engine);
  });
  if (session.json) {
    const images = runs.flatMap(({ name, result }) =>
      result.map((image) => (name === undefined ? image : { target: name, ...image })),
    );
    session.out(`${JSON.stringify({ version: 1, images }, null, 2)}\n`);
  } else
    for (const { name, result } of runs)
      for (const image of result) session.out(targetLines(name, `${image.tags.join(" ")}\n`));
}
