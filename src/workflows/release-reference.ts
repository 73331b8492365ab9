// This commit's release image: `NS/APP-<release folder>:<sha>` (`<sha>-dirty` for a dirty tree,
// the version tag outside git), as `release` tags it and `run` and `push` look for it.
import type { LoadedProject } from "../config/load.js";
import { commitTag } from "../domain/git-facts.js";
import { imageRepository } from "../domain/image-ref.js";
import { contextImageName } from "../domain/names.js";
import { readGitFacts } from "../project/git.js";
import { ignoredPaths } from "./build-images.js";
import type { WorkflowContext } from "./context.js";

export interface ReleaseReference {
  repository: string;
  /** `:<sha>` (or the version outside git): the tag that names this commit's release. */
  tag: string;
  image: string;
  /** The tags `release` gives it: `:<sha>` and `:<version>`. */
  tags: string[];
}

export async function releaseImageOfThisCommit(
  ctx: WorkflowContext,
  project: LoadedProject,
): Promise<ReleaseReference> {
  const { namespace, app, version, releaseContext } = project.config;
  const git = await readGitFacts(project.root, ctx.runner, ctx.env, ignoredPaths(project));
  const repository = imageRepository(namespace.value, app.value, contextImageName(releaseContext.value));
  const tag = commitTag(git) ?? version.value;
  return {
    repository,
    tag,
    image: `${repository}:${tag}`,
    tags: [...new Set([`${repository}:${tag}`, `${repository}:${version.value}`])],
  };
}
