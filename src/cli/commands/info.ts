// `wheelwright info`: render the project's description (as text, or JSON with --json).

import { selectTargets } from "../../config/target-view.js";
import { emulationText } from "../../domain/emulation.js";
import { describeProject, type ProjectDescription } from "../../workflows/describe-project.js";
import { loadSessionProject, type Session, workflowContext } from "../session.js";

export async function infoCommand(session: Session): Promise<void> {
  const project = loadSessionProject(session);
  const description = await describeProject(
    workflowContext(session),
    project,
    selectTargets(project, session.targets),
  );
  session.out(session.json ? `${JSON.stringify(description, null, 2)}\n` : infoText(description));
}

function infoText(info: ProjectDescription): string {
  const lines = [`project   ${info.root}`, "", "settings"];
  for (const setting of info.settings) {
    lines.push(
      `  ${setting.key.padEnd(15)} ${JSON.stringify(setting.value ?? null).padEnd(32)} (${setting.origin})`,
    );
  }
  lines.push("", "index (what builds use)");
  for (const entry of info.index) {
    lines.push(`  ${entry.key.padEnd(17)} ${JSON.stringify(entry.value).padEnd(32)} (${entry.from})`);
  }
  const git = info.git;
  lines.push(
    "",
    `git       ${git.kind === "commit" ? `${git.shortSha}${git.dirty ? " (uncommitted changes)" : ""}` : git.reason}`,
    "",
    "images",
  );
  for (const image of info.images) {
    const target = image.target === undefined ? "" : `[${image.target}] `;
    lines.push(
      `  ${target}${image.folder.padEnd(20)} ${image.dockerfile ? image.tags.join("  ") : "(no Dockerfile)"}   [${image.buildArg}]`,
    );
  }
  if (info.targets.length > 0) {
    lines.push("", "targets");
    for (const target of info.targets) {
      const args = Object.entries(target.buildArgs).map(([name, value]) => `${name}=${value}`);
      lines.push(
        `  ${target.name.padEnd(15)} wheelhouse ${target.wheelhouse}  images ${target.images}  tags *${target.tagSuffix}${target.platform === null ? "" : `  platform ${target.platform}`}${target.family === null ? "" : `  family ${target.family} (list *-${target.family})`}${args.length === 0 ? "" : `  build args ${args.join(" ")}`}`,
      );
    }
  }
  lines.push("", "engine");
  for (const candidate of info.candidates) {
    const mark = candidate.accepted ? "✓" : candidate.tried === false ? "-" : "✗";
    lines.push(`  ${mark} ${candidate.candidate.padEnd(7)} ${candidate.reason}`);
  }
  const engine = info.engine;
  if (engine.kind !== "local") {
    lines.push(
      `  endpoint ${engine.endpoint} (${engine.location}${engine.context === undefined ? "" : `, context ${engine.context}`})`,
    );
    lines.push(
      `  client ${engine.clientVersion}, server ${engine.serverVersion}, builder ${engine.kind === "podman" ? "buildah" : engine.buildKit ? "BuildKit" : "legacy"}${engine.rootless ? ", rootless" : ""}`,
    );
  }
  lines.push("", emulationText(info.emulation));
  return `${lines.join("\n")}\n`;
}
