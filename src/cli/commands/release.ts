// `wheelwright release [TAG...]`: parse, plan (print it with --dry-run), run for each target, render.
import { requireContainerEngine } from "../../engine/detect.js";
import { sbomLine } from "../../run-result.js";
import { engineForPlan } from "../../workflows/planning-engine.js";
import { planReleaseImage, releaseImage } from "../../workflows/release-image.js";
import { printPlan } from "../print-plan.js";
import { releaseResult } from "../run-results.js";
import { type Session, workflowContext } from "../session.js";
import { forEachTarget, sessionViews, targetLines } from "../target-runs.js";

export async function releaseCommand(
  session: Session,
  extraTags: string[],
  options: { dryRun?: boolean } = {},
): Promise<void> {
  const views = sessionViews(session);
  const ctx = workflowContext(session);
  if (options.dryRun) {
    for (const project of views)
      printPlan(session, await planReleaseImage(ctx, project, extraTags, await engineForPlan(ctx, project)));
    return;
  }
  const { engine } = requireContainerEngine(await ctx.detectEngine(views[0]!.config.engine.value), "release");
  const runs = await forEachTarget(session, ctx, views, async (project, own) =>
    releaseImage(own, project, await planReleaseImage(own, project, extraTags, engine), engine),
  );
  for (const { result } of runs) session.emit({ type: "result", result: releaseResult(result) });
  if (session.json) {
    const entries = runs.map(({ name, result }) => ({
      ...(name === undefined ? {} : { target: name }),
      image: result.image,
      tags: result.tags,
      sizeMB: Number((result.sizeBytes / 1e6).toFixed(1)),
      user: result.user,
      wheels: result.wheels,
      sbom: result.sbom,
    }));
    const single = runs.length === 1 && runs[0]!.name === undefined;
    session.out(
      `${JSON.stringify(single ? { version: 1, ...entries[0] } : { version: 1, targets: entries }, null, 2)}\n`,
    );
    return;
  }
  for (const { name, result } of runs) {
    const size = (result.sizeBytes / 1e6).toFixed(1);
    session.out(
      targetLines(
        name,
        `${result.tags.join(" ")}\n${result.image.replace(/^sha256:/, "").slice(0, 12)}  ${size} MB  user ${result.user}  ${result.wheels.length} wheels\n${sbomLine(result.sbom)}\n`,
      ),
    );
  }
}
