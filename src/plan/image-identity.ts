// What identifies an image's content (its folder and the folders it is built FROM) and the labels
// every image gets: the identity lets `build` reuse an image built at another commit.
import { createHash } from "node:crypto";
import type { ResolvedConfig } from "../config/schema.js";
import type { GitFacts } from "../domain/git-facts.js";
import { buildImageGraph, buildOrder, type ContextNode } from "../domain/image-graph.js";
import { LABEL_CONTEXT, LABEL_DIRTY, LABEL_PROJECT, projectId } from "../domain/labels.js";
import { contextImageName } from "../domain/names.js";
import { InputError } from "../errors.js";
import { type ContextFolder, foldersByImageName, imageNodes } from "./image-folders.js";

/**
 * A folder's own hash combined with those of the images it is built FROM: equal hashes mean an
 * image with the same content, whatever commit it was built at (so `build` can reuse it).
 */
export function effectiveContentHashes(
  dependencies: Map<string, string[]>,
  nodes: readonly ContextNode[],
  byName: Map<string, ContextFolder[]>,
): Map<string, string> {
  const hashes = new Map<string, string>();
  for (const context of buildOrder(
    dependencies,
    nodes.map((node) => node.context),
  )) {
    const own = byName.get(context)![0]!.contentHash;
    const parents = (dependencies.get(context) ?? []).map((parent) => hashes.get(parent) ?? "");
    hashes.set(context, parents.length === 0 ? own : combineHashes([own, ...parents]));
  }
  return hashes;
}

/** A short, stable identity of several content hashes together (sha256 of their list). */
export function combineHashes(parts: readonly string[]): string {
  return createHash("sha256").update(parts.join("\n")).digest("hex").slice(0, 16);
}

export function imageLabels(
  inputs: { config: ResolvedConfig; git: GitFacts; now: number; sourceUrl: string },
  context: string,
): Record<string, string> {
  const { config, git } = inputs;
  const created = new Date((git.kind === "commit" ? git.commitTime : inputs.now) * 1000).toISOString();
  const labels: Record<string, string> = {
    "org.opencontainers.image.created": created,
    "org.opencontainers.image.version": config.version.value,
  };
  if (git.kind === "commit") {
    labels["org.opencontainers.image.revision"] = git.sha;
    if (git.dirty) labels[LABEL_DIRTY] = "true";
  }
  labels["org.opencontainers.image.source"] = inputs.sourceUrl;
  labels[LABEL_PROJECT] = projectId(config.namespace.value, config.app.value);
  labels[LABEL_CONTEXT] = context;
  return labels;
}

/**
 * The content hash of an image folder together with the folders it is built FROM. It identifies the
 * builder in a wheelhouse's fingerprint without asking the engine, so an up-to-date check is pure.
 */
export function imageContentHash(
  config: ResolvedConfig,
  contexts: readonly ContextFolder[],
  context: string,
): string {
  const byName = foldersByImageName(contexts);
  const nodes = imageNodes(config, byName);
  const graph = buildImageGraph(nodes);
  const hash = effectiveContentHashes(graph.dependencies, nodes, byName).get(contextImageName(context));
  if (hash === undefined) {
    throw new InputError(`There is no image folder ${config.images.value}/${context} with a Dockerfile`, {
      hint: `Create ${config.images.value}/${context}/Dockerfile (\`wheelwright init\` writes one), or set the config key that names it.`,
    });
  }
  return hash;
}
