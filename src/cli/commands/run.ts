// `wheelwright run [--target NAME] [--] [CMD...]`: the command (or the image's CMD) in this commit's
// release image (of the one target named, when the project has several).
import { requireContainerEngine } from "../../engine/detect.js";
import { runInRelease } from "../../workflows/run-release.js";
import { type Session, workflowContext } from "../session.js";
import { oneView, sessionViews } from "../target-runs.js";

export async function runCommand(session: Session, command: string[]): Promise<void> {
  const project = oneView(sessionViews(session), "run");
  const ctx = workflowContext(session);
  const { engine } = requireContainerEngine(await ctx.detectEngine(project.config.engine.value), "run");
  session.exitCode = await runInRelease(ctx, project, command, engine);
}
