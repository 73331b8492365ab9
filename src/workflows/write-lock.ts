// `wheelwright lock`: a pylock.toml (PEP 751) from the resolved wheelhouse, so later builds install
// exactly these versions (with hashes enforced) wherever they run.
import { writeFileSync } from "node:fs";
import path from "node:path";
import type { LoadedProject } from "../config/load.js";
import { pylockText } from "../domain/pylock.js";
import type { WorkflowContext } from "./context.js";
import { currentWheelhouse } from "./wheelhouse-state.js";

export async function writeLock(
  ctx: WorkflowContext,
  project: LoadedProject,
  output: string | undefined,
): Promise<string> {
  const manifest = await currentWheelhouse(ctx, project, "lock");
  const file = output ?? path.join(project.sourceDir, "pylock.toml");
  const wheelhouse =
    path.relative(path.dirname(file), project.wheelhouseDir).split(path.sep).join("/") || ".";
  writeFileSync(file, pylockText(manifest, wheelhouse, ctx.toolVersion));
  return file;
}
