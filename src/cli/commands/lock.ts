// `wheelwright lock [--output FILE]`: a pylock.toml from the current wheelhouse (of the one target
// named, when the project has several).
import path from "node:path";
import { writeLock } from "../../workflows/write-lock.js";
import { type Session, workflowContext } from "../session.js";
import { oneView, sessionViews } from "../target-runs.js";

export async function lockCommand(session: Session, options: { output?: string }): Promise<void> {
  const output = options.output === undefined ? undefined : path.resolve(session.cwd, options.output);
  const project = oneView(sessionViews(session), "lock");
  const file = await writeLock(workflowContext(session), project, output);
  session.out(`wrote ${path.relative(session.cwd, file) || file}\n`);
}
