// `wheelwright run [--] [CMD...]`: the command (or the image's CMD) in this commit's release image.
import { requireContainerEngine } from "../../engine/detect.js";
import { runInRelease } from "../../workflows/run-release.js";
import { loadSessionProject, type Session, workflowContext } from "../session.js";

export async function runCommand(session: Session, command: string[]): Promise<void> {
  const project = loadSessionProject(session);
  const ctx = workflowContext(session);
  const { engine } = requireContainerEngine(await ctx.detectEngine(project.config.engine.value), "run");
  session.exitCode = await runInRelease(ctx, project, command, engine);
}
