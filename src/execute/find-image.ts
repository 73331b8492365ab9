// Finds an image of this project built from the same folders (same content-hash label), whatever
// commit it was tagged at. Only a tagged image of the repository counts: stage images of a
// multi-stage build inherit their base's labels, and one of them must never stand in for the base.

import { LABEL_CONTEXT, LABEL_CONTEXT_HASH, LABEL_PROJECT } from "../domain/labels.js";
import type { Engine, ImageInfo } from "../engine/engine.js";

/** The tag of an image of the same content, or undefined. */
export async function findImageByContent(
  engine: Engine,
  wanted: { repository: string; preferredTag: string; labels: Record<string, string> },
): Promise<string | undefined> {
  return (await findImageInfoByContent(engine, wanted))?.tag;
}

/** The tag of an image of the same content, with the inspection that found it (no second one needed). */
export async function findImageInfoByContent(
  engine: Engine,
  wanted: { repository: string; preferredTag: string; labels: Record<string, string> },
): Promise<{ tag: string; info: ImageInfo } | undefined> {
  const labels = [LABEL_PROJECT, LABEL_CONTEXT, LABEL_CONTEXT_HASH].map(
    (key) => `${key}=${wanted.labels[key]}`,
  );
  // Tagged images only: the untagged stage images that each legacy multi-stage build leaves (a
  // release's `FROM base AS deps` carries the base's labels) grow with every release, and each one
  // cost an inspection, a process of its own. The few left are inspected together.
  const ids = await engine.listImages({ labels, dangling: false });
  const infos = await Promise.all(ids.map((id) => engine.inspectImage(id)));
  for (const info of infos) {
    const tags = (info?.repoTags ?? []).filter((tag) => tag.startsWith(`${wanted.repository}:`));
    if (info !== undefined && tags.length > 0)
      return { tag: tags.includes(wanted.preferredTag) ? wanted.preferredTag : tags[0]!, info };
  }
  return undefined;
}
