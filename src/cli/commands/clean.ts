// `wheelwright clean [--all] [--force] [--dry-run]`: what wheelwright made, and nothing else; with
// targets, each selected target's wheelhouse (and only those).
import { cleanProject, planCleanProject } from "../../workflows/clean.js";
import { printPlan } from "../print-plan.js";
import { type Session, workflowContext } from "../session.js";
import { sessionViews, targetLines } from "../target-runs.js";

export async function cleanCommand(
  session: Session,
  options: { all?: boolean; force?: boolean; dryRun?: boolean },
): Promise<void> {
  const views = sessionViews(session);
  const ctx = workflowContext(session);
  const request = { all: options.all === true, force: options.force === true };
  const detection = await ctx.detectEngine(views[0]!.config.engine.value);
  const engine = detection.kind === "container" ? detection.engine : undefined;
  if (options.dryRun) {
    for (const project of views) printPlan(session, await planCleanProject(ctx, project, request, engine));
    return;
  }
  // One target after another: a clean removes the project's containers, never while another cleans.
  const runs: { name: string | undefined; removed: string[] }[] = [];
  for (const project of views)
    runs.push({ name: project.target?.name, removed: await cleanProject(ctx, project, request, engine) });
  if (session.json) {
    const removed = runs.flatMap(({ name, removed }) =>
      name === undefined ? removed : removed.map((what) => `${name}: ${what}`),
    );
    session.out(`${JSON.stringify({ version: 1, removed }, null, 2)}\n`);
    return;
  }
  for (const { name, removed } of runs)
    session.out(
      targetLines(name, removed.length === 0 ? "nothing to clean\n" : `removed: ${removed.join(", ")}\n`),
    );
}
