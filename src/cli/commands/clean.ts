// `wheelwright clean [--all] [--force] [--dry-run]`: what wheelwright made, and nothing else.
import { cleanProject, planCleanProject } from "../../workflows/clean.js";
import { printPlan } from "../print-plan.js";
import { loadSessionProject, type Session, workflowContext } from "../session.js";

export async function cleanCommand(
  session: Session,
  options: { all?: boolean; force?: boolean; dryRun?: boolean },
): Promise<void> {
  const project = loadSessionProject(session);
  const ctx = workflowContext(session);
  const request = { all: options.all === true, force: options.force === true };
  const detection = await ctx.detectEngine(project.config.engine.value);
  const engine = detection.kind === "container" ? detection.engine : undefined;
  if (options.dryRun) {
    printPlan(session, await planCleanProject(ctx, project, request, engine));
    return;
  }
  const removed = await cleanProject(ctx, project, request, engine);
  if (session.json) session.out(`${JSON.stringify({ version: 1, removed }, null, 2)}\n`);
  else session.out(removed.length === 0 ? "nothing to clean\n" : `removed: ${removed.join(", ")}\n`);
}
