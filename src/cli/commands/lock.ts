// `wheelwright lock [--output FILE]`: a pylock.toml from the current wheelhouse.
import path from "node:path";
import { writeLock } from "../../workflows/write-lock.js";
import { loadSessionProject, type Session, workflowContext } from "../session.js";

export async function lockCommand(session: Session, options: { output?: string }): Promise<void> {
  const output = options.output === undefined ? undefined : path.resolve(session.cwd, options.output);
  const file = await writeLock(workflowContext(session), loadSessionProject(session), output);
  session.out(`wrote ${path.relative(session.cwd, file) || file}\n`);
}
