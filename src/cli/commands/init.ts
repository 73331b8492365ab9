// `wheelwright init [--force]`: the config flags given become the new project's config.
import { type ConfigKey, KEY_NAMES } from "../../config/schema.js";
import { initProject } from "../../workflows/init-project.js";
import { type Session, workflowContext } from "../session.js";

export async function initCommand(session: Session, options: { force?: boolean }): Promise<void> {
  const config: Record<string, string | boolean | string[] | number> = {};
  for (const key of KEY_NAMES) {
    const value = session.flags[key as ConfigKey];
    if (value !== undefined) config[key] = value as string | boolean | string[] | number;
  }
  const result = await initProject(workflowContext(session), {
    root: session.cwd,
    config,
    force: options.force === true,
    targets: session.targets,
  });
  session.out(
    `${[...result.written.map((file) => `wrote ${file}`), ...result.notes].join("\n")}\nnext: commit, then \`wheelwright all\`   (or: wheelwright image --all && wheelwright build)\n`,
  );
}
