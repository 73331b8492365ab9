// Finds an image of this project built from the same folders (same content-hash label), whatever
// commit it was tagged at. Only a tagged image of the repository counts: stage images of a
// multi-stage build inherit their base's labels, and one of them must never stand in for the base.

import { LABEL_CONTEXT, LABEL_CONTEXT_HASH, LABEL_PROJECT } from "../domain/labels.js";
import type { Engine } from "../engine/engine.js";

export async function findImageByContent(
  engine: Engine,
  wanted: { repository: string; preferredTag: string; labels: Record<string, string> },
): Promise<string | undefined> {
  const labels = [LABEL_PROJECT, LABEL_CONTEXT, LABEL_CONTEXT_HASH].map(
    (key) => `${key}=${wanted.labels[key]}`,
  );
  for (const id of await engine.listImages({ labels })) {
    const info = await engine.inspectImage(id);
    const tags = (info?.repoTags ?? []).filter((tag) => tag.startsWith(`${wanted.repository}:`));
    if (tags.length > 0) return tags.includes(wanted.preferredTag) ? wanted.preferredTag : tags[0];
  }
  return undefined;
}
