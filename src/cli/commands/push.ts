// `wheelwright push [TAG...]`: parse, plan (print it with --dry-run), run for each target, render.
import { requireContainerEngine } from "../../engine/detect.js";
import { engineForPlan } from "../../workflows/planning-engine.js";
import { planPushImages, pushImages } from "../../workflows/push-images.js";
import { printPlan } from "../print-plan.js";
import { pushResult } from "../run-results.js";
import { type Session, workflowContext } from "../session.js";
import { forEachTarget, sessionViews, targetLines } from "../target-runs.js";

export interface PushOptions {
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
  const views = sessionViews(session);
  const ctx = workflowContext(session);
  const request = {
    extraTags,
    allImages: options.allImages === true,
    username: options.username,
    passwordStdin: options.passwordStdin === true,
  };
  if (options.dryRun) {
    for (const project of views)
      printPlan(session, await planPushImages(ctx, project, request, await engineForPlan(ctx, project)));
    return;
  }
  const { engine } = requireContainerEngine(await ctx.detectEngine(views[0]!.config.engine.value), "push");
  // The password on stdin can be read once: read it before the first target, hand it to each.
  const password = request.passwordStdin && views.length > 1 ? await ctx.readStdin() : undefined;
  const shared = password === undefined ? ctx : { ...ctx, readStdin: async () => password };
  const runs = await forEachTarget(session, shared, views, async (project, own) =>
    pushImages(own, project, await planPushImages(own, project, request, engine), engine),
  );
  for (const { result } of runs) session.emit({ type: "result", result: pushResult(result) });
  if (session.json) {
    const pushed = runs.flatMap(({ result }) => result);
    session.out(`${JSON.stringify({ version: 1, pushed }, null, 2)}\n`);
    return;
  }
  for (const { name, result } of runs) session.out(targetLines(name, `${result.join("\n")}\n`));
}
