// The engine a `--dry-run` plans with: the one the run would use, when it answers, so the plan
// names the same binary and leaves out what the engine already has (a base image, the cache
// volume), exactly as the run will. Asking it only reads (version, inspect, list); when none
// answers, the plan is drafted without one (images it depends on built, the cache volume made).
import type { LoadedProject } from "../config/load.js";
import type { ContainerEngine } from "../engine/engine.js";
import { WheelwrightError } from "../errors.js";
import type { WorkflowContext } from "./context.js";

export async function engineForPlan(
  ctx: WorkflowContext,
  project: LoadedProject,
): Promise<ContainerEngine | undefined> {
  try {
    const detection = await ctx.detectEngine(project.config.engine.value);
    return detection.kind === "container" ? detection.engine : undefined;
  } catch (error) {
    // No engine answers: the draft plan (every image built, the cache volume made) is still right
    // about everything the run decides without one.
    if (error instanceof WheelwrightError) return undefined;
    throw error;
  }
}
