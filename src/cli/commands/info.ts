// `wheelwright info`: the resolved config and where each value came from, the image names, and the
// engine found (with why the others were rejected) and what it can do.
import { originText, type ResolvedConfig } from "../../config/schema.js";
import { commitTag } from "../../domain/git-facts.js";
import { imageRepository } from "../../domain/image-ref.js";
import { createRedactor, urlSecrets } from "../../domain/index-settings.js";
import { contextImageName, imageBuildArg } from "../../domain/names.js";
import { listContextFolders } from "../../project/contexts.js";
import { readGitFacts } from "../../project/git.js";
import { detectSessionEngine, loadSessionProject, type Session } from "../session.js";

export async function infoCommand(session: Session): Promise<void> {
  const project = loadSessionProject(session);
  // Index URLs may carry credentials: every line printed from here on is redacted.
  const { indexUrl, extraIndexUrls, findLinks } = project.config;
  session.setRedactor(
    createRedactor(
      urlSecrets([indexUrl.value ?? "", ...(extraIndexUrls.value ?? []), ...(findLinks.value ?? [])]),
    ),
  );
  const { config } = project;
  const git = await readGitFacts(project.root, session.runner).catch((error: unknown) => ({
    kind: "none" as const,
    reason: error instanceof Error ? error.message : String(error),
  }));
  const tag = commitTag(git);
  const images = listContextFolders(project.root, project.imagesDir).map((folder) => {
    const name = contextImageName(folder.folder);
    const repository = imageRepository(config.namespace.value, config.app.value, name);
    return {
      folder: folder.path,
      buildArg: imageBuildArg(name),
      tags: [...new Set([tag, config.version.value].filter((t): t is string => t !== undefined))].map(
        (t) => `${repository}:${t}`,
      ),
      dockerfile: folder.dockerfile !== undefined,
    };
  });
  const detection = await detectSessionEngine(session, project);
  const engine =
    detection.kind === "container"
      ? { ...detection.capabilities, ...(await detection.engine.features()) }
      : { kind: "local" as const };
  const settings = Object.entries(config as ResolvedConfig).map(([key, sourced]) => ({
    key,
    value: sourced.value,
    origin: originText(sourced.origin),
  }));
  if (session.json) {
    session.out(
      `${JSON.stringify({ version: 1, root: project.root, settings, git, images, engine, candidates: detection.report }, null, 2)}\n`,
    );
    return;
  }
  const lines = [`project   ${project.root}`, "", "settings"];
  for (const setting of settings) {
    lines.push(
      `  ${setting.key.padEnd(15)} ${JSON.stringify(setting.value ?? null).padEnd(32)} (${setting.origin})`,
    );
  }
  lines.push(
    "",
    `git       ${git.kind === "commit" ? `${git.shortSha}${git.dirty ? " (uncommitted changes)" : ""}` : git.reason}`,
    "",
    "images",
  );
  for (const image of images) {
    lines.push(
      `  ${image.folder.padEnd(20)} ${image.dockerfile ? image.tags.join("  ") : "(no Dockerfile)"}   [${image.buildArg}]`,
    );
  }
  lines.push("", "engine");
  for (const candidate of detection.report) {
    lines.push(`  ${candidate.accepted ? "✓" : "✗"} ${candidate.candidate.padEnd(7)} ${candidate.reason}`);
  }
  if (detection.kind === "container") {
    const c = engine as typeof engine & {
      clientVersion: string;
      serverVersion: string;
      buildKit: boolean;
      rootless: boolean;
    };

    lines.push(
      `  client ${c.clientVersion}, server ${c.serverVersion}, builder ${c.buildKit ? "BuildKit" : "legacy"}${c.rootless ? ", rootless" : ""}`,
    );
  }
  session.out(`${lines.join("\n")}\n`);
}
