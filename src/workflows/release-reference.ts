// This commit's release image: `NS/APP-<release folder>:<sha>` (`<sha>-dirty` for a dirty tree,
// the version tag outside git; a target's with `-<target>` after it), as `release` tags it and
// `run` and `push` look for it.
import type { LoadedProject } from "../config/load.js";
import { tagSuffix } from "../config/target-view.js";
import type { GitFacts } from "../domain/git-facts.js";
import { imageRepository } from "../domain/image-ref.js";
import { imageTags } from "../domain/image-tags.js";
import { contextImageName } from "../domain/names.js";
import { readProjectGit } from "./build-images.js";
import type { WorkflowContext } from "./context.js";

export interface ReleaseReference {
  repository: string;
  /** `:<sha>` (or the version outside git): the tag that names this commit's release. */
  tag: string;
  image: string;
  /** The tags `release` gives it: `:<sha>` and `:<version>`. */
  tags: string[];
  /** What every tag of this view ends with (`-<target>`, or nothing): extra tags get it too. */
  suffix: string;
}

export async function releaseImageOfThisCommit(
  ctx: WorkflowContext,
  project: LoadedProject,
): Promise<ReleaseReference> {
  return releaseReferenceOf(project, await readProjectGit(ctx, project));
}

/** The release image's reference for git facts already read. */
export function releaseReferenceOf(project: LoadedProject, git: GitFacts): ReleaseReference {
  const { namespace, app, version, releaseContext } = project.config;
  const repository = imageRepository(namespace.value, app.value, contextImageName(releaseContext.value));
  const suffix = tagSuffix(project);
  const tags = imageTags(git, version.value, suffix);
  return {
    repository,
    tag: tags.primary,
    image: `${repository}:${tags.primary}`,
    tags: [...new Set([`${repository}:${tags.primary}`, `${repository}:${tags.version}`])],
    suffix,
  };
}
