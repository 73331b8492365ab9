// `wheelwright release [TAG...]`: parse, plan (print it with --dry-run), run, render.
import { requireContainerEngine } from "../../engine/detect.js";
import { planReleaseImage, releaseImage } from "../../workflows/release-image.js";
import { printPlan } from "../print-plan.js";
import { releaseResult } from "../run-results.js";
import { loadSessionProject, type Session, workflowContext } from "../session.js";

export async function releaseCommand(
  session: Session,
  extraTags: string[],
  options: { dryRun?: boolean } = {},
): Promise<void> {
  const project = loadSessionProject(session);
  const ctx = workflowContext(session);
  if (options.dryRun) {
    printPlan(session, await planReleaseImage(ctx, project, extraTags, undefined));
    return;
  }
  const { engine } = requireContainerEngine(await ctx.detectEngine(project.config.engine.value), "release");
  const result = await releaseImage(
    ctx,
    project,
    await planReleaseImage(ctx, project, extraTags, engine),
    engine,
  );
  session.emit({ type: "result", result: releaseResult(result) });
  const size = (result.sizeBytes / 1e6).toFixed(1);
  if (session.json) {
    session.out(
      `${JSON.stringify({ version: 1, image: result.image, tags: result.tags, sizeMB: Number(size), user: result.user, wheels: result.wheels }, null, 2)}\n`,
    );
    return;
  }
  session.out(
    `${result.tags.join(" ")}\n${result.image.replace(/^sha256:/, "").slice(0, 12)}  ${size} MB  user ${result.user}  ${result.wheels.length} wheels\n`,
  );
}
