// This commit's release image: `NS/APP-<release folder>:<sha>` (`<sha>-dirty` for a dirty tree,
// the version tag outside git), as `release` tags it and `run` and `push` look for it.
import type { LoadedProject } from "../config/load.js";
import { commitTag } from "../domain/git-facts.js";
import { imageRepository } from "../domain/image-ref.js";
import { contextImageName } from "../domain/names.js";
import { readGitFacts } from "../project/git.js";
import type { Session } from "./session.js";

export async function releaseImageOfThisCommit(
  session: Session,
  project: LoadedProject,
): Promise<{ repository: string; tag: string; image: string }> {
  const { namespace, app, version, releaseContext } = project.config;
  const git = await readGitFacts(project.root, session.runner);
  const repository = imageRepository(namespace.value, app.value, contextImageName(releaseContext.value));
  const tag = commitTag(git) ?? version.value;
  return { repository, tag, image: `${repository}:${tag}` };
}
