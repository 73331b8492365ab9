// `wheelwright push [TAG...]`: parse, plan (print it with --dry-run), run, render.
import { requireContainerEngine } from "../../engine/detect.js";
import { planPushImages, pushImages } from "../../workflows/push-images.js";
import { printPlan } from "../print-plan.js";
import { pushResult } from "../run-results.js";
import { loadSessionProject, type Session, workflowContext } from "../session.js";

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
  const project = loadSessionProject(session);
  const ctx = workflowContext(session);
  const request = {
    extraTags,
    allImages: options.allImages === true,
    username: options.username,
    passwordStdin: options.passwordStdin === true,
  };
  if (options.dryRun) {
    printPlan(session, await planPushImages(ctx, project, request, undefined));
    return;
  }
  const { engine } = requireContainerEngine(await ctx.detectEngine(project.config.engine.value), "push");
  const pushed = await pushImages(ctx, project, await planPushImages(ctx, project, request, engine), engine);
  session.emit({ type: "result", result: pushResult(pushed) });
  session.out(
    session.json ? `${JSON.stringify({ version: 1, pushed }, null, 2)}\n` : `${pushed.join("\n")}\n`,
  );
}
