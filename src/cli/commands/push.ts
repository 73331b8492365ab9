// `wheelwright push [TAG...]`: parse, plan (print it with --dry-run), run for each target, publish
// the manifest list of each family pushed whole, render.
import type { LoadedProject } from "../../config/load.js";
import { requireContainerEngine } from "../../engine/detect.js";
import { UsageError } from "../../errors.js";
import type { PushPlan } from "../../plan/push-plan.js";
import { engineForPlan } from "../../workflows/planning-engine.js";
import {
  familyPlatforms,
  type PublishedManifestList,
  publishManifestLists,
} from "../../workflows/push-families.js";
import { planPushImages, pushRelease } from "../../workflows/push-images.js";
import type { AttachedProvenance, ProvenanceMode } from "../../workflows/push-provenance.js";
import { printPlan } from "../print-plan.js";
import { pushResult } from "../run-results.js";
import { type Session, workflowContext } from "../session.js";
import { forEachTarget, sessionViews, targetLines } from "../target-runs.js";

export interface PushOptions {
  /** false with --no-provenance. */
  provenance?: boolean;
  provenanceRequired?: boolean;
  allImages?: boolean;
  username?: string;
  passwordStdin?: boolean;
  dryRun?: boolean;
}

export async function pushCommand(
  session: Session,
  extraTags: string[],
  options: PushOptions,
): Promise<void> {
  // Flags first: a contradiction is a usage error whatever the project.
  const provenance = provenanceMode(options);
  const views = sessionViews(session);
  const ctx = workflowContext(session);
  const request = {
    extraTags,
    allImages: options.allImages === true,
    username: options.username,
    passwordStdin: options.passwordStdin === true,
    provenance,
  };
  if (options.dryRun) {
    for (const project of views)
      printPlan(session, await planPushImages(ctx, project, request, await engineForPlan(ctx, project)));
    return;
  }
  const { engine } = requireContainerEngine(await ctx.detectEngine(views[0]!.config.engine.value), "push");
  const planned: { project: LoadedProject; plan: PushPlan }[] = [];
  for (const project of views)
    planned.push({ project, plan: await planPushImages(ctx, project, request, engine) });
  // Before anything is pushed: a family with two images of one platform cannot be listed.
  const platforms = await familyPlatforms(engine, planned);
  // The password on stdin can be read once: read it first, hand it to each target and the lists.
  const password = request.passwordStdin ? await ctx.readStdin() : undefined;
  const shared = password === undefined ? ctx : { ...ctx, readStdin: async () => password };
  const runs = await forEachTarget(session, shared, views, async (project, own) =>
    pushRelease(own, project, planned[views.indexOf(project)]!.plan, engine),
  );
  const lists = await publishManifestLists(
    shared,
    engine,
    runs.map((run, index) => ({ ...planned[index]!, pushed: run.result.pushed })),
    platforms,
  );
  for (const { result } of runs) session.emit({ type: "result", result: pushResult(result.pushed) });
  if (lists.length > 0) session.emit({ type: "result", result: pushResult([], lists) });
  if (session.json) {
    const pushed = runs.flatMap(({ result }) => result.pushed);
    const provenance = runs.flatMap(({ result }) =>
      result.provenance === undefined ? [] : [result.provenance],
    );
    session.out(`${JSON.stringify({ version: 1, pushed, manifestLists: lists, provenance }, null, 2)}\n`);
    return;
  }
  for (const { name, result } of runs)
    session.out(
      targetLines(name, `${[...result.pushed, ...provenanceLine(result.provenance)].join("\n")}\n`),
    );
  for (const list of lists) session.out(targetLines(list.family, listLines(list)));
}

/** `repo:tag-family@digest` and one line per member: `  linux/arm64/v8 sha256:... (target)`. */
function listLines(list: PublishedManifestList): string {
  const members = list.members.map((m) => `  ${m.platform} ${m.digest} (${m.target})`);
  return `${list.name}@${list.digest} (manifest list)\n${members.join("\n")}\n`;
}

/** `provenance: REPO@sha256:… (in-toto SLSA v1) -> REPO:sha256-<hex>` */
function provenanceLine(attached: AttachedProvenance | undefined): string[] {
  return attached === undefined
    ? []
    : [`provenance: ${attached.subject} (in-toto SLSA v1) -> ${attached.referrers}`];
}

function provenanceMode(options: PushOptions): ProvenanceMode {
  if (options.provenance === false) {
    if (options.provenanceRequired === true)
      throw new UsageError("--no-provenance and --provenance-required contradict each other");
    return "off";
  }
  return options.provenanceRequired === true ? "required" : "on";
}
