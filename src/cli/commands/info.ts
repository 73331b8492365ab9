// `wheelwright info`: render the project's description (as text, or JSON with --json).
import { describeProject, type ProjectDescription } from "../../workflows/describe-project.js";
import { loadSessionProject, type Session, workflowContext } from "../session.js";

export async function infoCommand(session: Session): Promise<void> {
  const description = await describeProject(workflowContext(session), loadSessionProject(session));
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
    lines.push(
      `  ${image.folder.padEnd(20)} ${image.dockerfile ? image.tags.join("  ") : "(no Dockerfile)"}   [${image.buildArg}]`,
    );
  }
  lines.push("", "engine");
  for (const candidate of info.candidates) {
    const mark = candidate.accepted ? "✓" : candidate.tried === false ? "-" : "✗";
    lines.push(`  ${mark} ${candidate.candidate.padEnd(7)} ${candidate.reason}`);
  }
  const engine = info.engine;
  if (engine.kind !== "local") {
    lines.push(
      `  client ${engine.clientVersion}, server ${engine.serverVersion}, builder ${engine.kind === "podman" ? "buildah" : engine.buildKit ? "BuildKit" : "legacy"}${engine.rootless ? ", rootless" : ""}`,
    );
  }
  return `${lines.join("\n")}\n`;
}
