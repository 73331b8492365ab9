// `wheelwright info`: the resolved config and where each value came from, the image names, the git
// state, the engine found (with why the others were rejected) and what it can do, and whether
// linux/arm64 containers can run on this machine by emulation.
import path from "node:path";
import type { LoadedProject } from "../config/load.js";
import { type Origin, originText, type ResolvedConfig } from "../config/schema.js";
import { tagSuffix } from "../config/target-view.js";
import type { EmulationFact } from "../domain/emulation.js";
import type { GitFacts } from "../domain/git-facts.js";
import { imageRepository } from "../domain/image-ref.js";
import { imageTags } from "../domain/image-tags.js";
import { urlSecrets } from "../domain/index-settings.js";
import { contextImageName, imageBuildArg } from "../domain/names.js";
import type { CandidateReport } from "../engine/detect.js";
import { readHostEmulation } from "../engine/host-emulation.js";
import { projectContextFolders } from "../project/contexts.js";
import { readHostPipSettings } from "../project/pip-config.js";
import { readProjectGit } from "./build-images.js";
import type { WorkflowContext } from "./context.js";

export interface ProjectDescription {
  version: 1;
  root: string;
  settings: { key: string; value: unknown; origin: string }[];
  git: GitFacts;
  images: { target?: string; folder: string; buildArg: string; tags: string[]; dockerfile: boolean }[];
  /** The configured targets (issue 14); empty without any. */
  targets: {
    name: string;
    wheelhouse: string;
    images: string;
    tagSuffix: string;
    buildArgs: Record<string, string>;
    platform: string | null;
    /** The family whose manifest list `push` publishes (`-<family>` tags), null: none. */
    family: string | null;
  }[];
  engine:
    | { kind: "local" }
    | {
        kind: "docker" | "podman";
        clientVersion: string;
        serverVersion: string;
        endpoint: string;
        /** Whether the engine shares this machine's files (remote: local index folders are copied in). */
        location: "local" | "remote";
        /** The docker context that named the endpoint, when one did. */
        context?: string;
        buildKit: boolean;
        rootless: boolean;
      };
  candidates: CandidateReport[];
  /** The index settings builds use, each with where it came from. */
  index: { key: string; value: string | string[] | null; from: string }[];
  /** Whether linux/arm64 containers can run here (QEMU through binfmt_misc), and why not. */
  emulation: EmulationFact;
}

/** Each index setting as builds use it, and where it came from: the config, the host's pip, or pip's default. */
function effectiveIndex(project: LoadedProject, env: Readonly<Record<string, string | undefined>>) {
  const { config } = project;
  const host = readHostPipSettings(env);
  const hostFrom =
    host.files.length === 0
      ? "PIP_* variables"
      : `host pip config (${host.files.join(", ")}, PIP_* variables)`;
  const pick = <T>(
    key: string,
    configured: { value: T | undefined; origin: Origin },
    fromHost: T | undefined,
    fallback: T,
    none: string,
  ) =>
    configured.value !== undefined
      ? { key, value: configured.value, from: originText(configured.origin) }
      : fromHost !== undefined
        ? { key, value: fromHost, from: hostFrom }
        : { key, value: fallback, from: none };
  return [
    pick<string | null>(
      "index-url",
      config.indexUrl,
      host.settings.indexUrl,
      null,
      "pip's default index (https://pypi.org/simple)",
    ),
    pick<string[]>("extra-index-urls", config.extraIndexUrls, host.settings.extraIndexUrls, [], "none"),
    pick<string[]>("find-links", config.findLinks, host.settings.findLinks, [], "none"),
  ];
}

/** Each image of a view with its tags (a target's end with its name). */
function imagesOf(view: LoadedProject, git: GitFacts): ProjectDescription["images"] {
  const { config } = view;
  const tags = imageTags(git, config.version.value, tagSuffix(view));
  return projectContextFolders(view).map((folder) => {
    const name = contextImageName(folder.folder);
    const repository = imageRepository(config.namespace.value, config.app.value, name);
    return {
      ...(view.target === undefined ? {} : { target: view.target.name }),
      folder: folder.path,
      buildArg: imageBuildArg(name),
      tags: [...new Set([tags.primary, tags.version])].map((t) => `${repository}:${t}`),
      dockerfile: folder.dockerfile !== undefined,
    };
  });
}

/** `views`: the project as each selected target sees it (config/target-view.ts); the project itself without targets. */
export async function describeProject(
  ctx: WorkflowContext,
  project: LoadedProject,
  views: readonly LoadedProject[] = [project],
): Promise<ProjectDescription> {
  const { config } = project;
  // Index URLs may carry credentials: every line printed from here on is redacted.
  ctx.addSecrets(
    urlSecrets([
      config.indexUrl.value ?? "",
      ...(config.extraIndexUrls.value ?? []),
      ...(config.findLinks.value ?? []),
    ]),
  );
  const git = await readProjectGit(ctx, project).catch(
    (error: unknown): GitFacts => ({
      kind: "none",
      reason: error instanceof Error ? error.message : String(error),
    }),
  );
  const images = views.flatMap((view) => imagesOf(view, git));
  const relative = (dir: string) => path.relative(project.root, dir) || ".";
  const targets = project.targets.map((target) => ({
    name: target.name,
    wheelhouse: relative(target.wheelhouseDir),
    images: relative(target.imagesDir),
    tagSuffix: `-${target.name}`,
    buildArgs: { ...target.buildArgs },
    platform: target.platform ?? null,
    family: target.family ?? null,
  }));
  const detection = await ctx.detectEngine(config.engine.value);
  const engine: ProjectDescription["engine"] =
    detection.kind === "container"
      ? { ...detection.capabilities, ...(await detection.engine.features()) }
      : { kind: "local" };
  const settings = Object.entries(config as ResolvedConfig).map(([key, sourced]) => ({
    key,
    value: sourced.value as unknown,
    origin: originText(sourced.origin),
  }));
  return {
    version: 1,
    root: project.root,
    settings,
    git,
    images,
    targets,
    engine,
    candidates: detection.report,
    index: effectiveIndex(project, ctx.env),
    emulation: readHostEmulation("linux/arm64"),
  };
}
