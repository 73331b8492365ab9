// The image folders as the planner sees them: which image name each maps to, what their FROM lines
// name, and every problem with them (found before any engine call).
import type { ResolvedConfig } from "../config/schema.js";
import { argReference, readDockerfile } from "../domain/dockerfile.js";
import type { ContextNode, GraphProblem } from "../domain/image-graph.js";
import { imageRepository } from "../domain/image-ref.js";
import { contextImageName, imageBuildArg } from "../domain/names.js";

/** A folder under the images folder, as the effect code found it. */
export interface ContextFolder {
  /** The folder's own name, e.g. `builder`. */
  folder: string;
  /** Path relative to the project root, e.g. `docker/builder`. */
  path: string;
  /** The Dockerfile's text; undefined when the folder has none. */
  dockerfile: string | undefined;
  /** A hash of the folder's files, labelled on the image to tell when the image is older than its folder. */
  contentHash: string;
}

export function foldersByImageName(contexts: readonly ContextFolder[]): Map<string, ContextFolder[]> {
  const byName = new Map<string, ContextFolder[]>();
  for (const folder of contexts) {
    const name = contextImageName(folder.folder);
    byName.set(name, [...(byName.get(name) ?? []), folder]);
  }
  return byName;
}

export function duplicateNames(config: ResolvedConfig, byName: Map<string, ContextFolder[]>): string[] {
  return [...byName]
    .filter(([, folders]) => folders.length > 1)
    .map(
      ([name, folders]) =>
        `${folders.map((f) => f.path).join(" and ")} both map to the image name '${imageRepository(config.namespace.value, config.app.value, name)}'; rename one`,
    );
}

export function targetProblems(
  config: ResolvedConfig,
  byName: Map<string, ContextFolder[]>,
  targets: readonly string[],
  all: boolean,
): string[] {
  const known = [...byName.keys()].sort();
  const problems: string[] = [];
  for (const target of targets) {
    const folder = byName.get(target)?.[0];
    if (folder === undefined) {
      problems.push(
        `no image folder '${target}' under ${config.images.value}/ (valid: ${known.join(", ") || "none"})`,
      );
    } else if (folder.dockerfile === undefined) {
      problems.push(`${folder.path} has no Dockerfile`);
    }
  }
  if (all && targets.length === 0) problems.push(`no image folders under ${config.images.value}/`);
  return problems;
}

export function imageNodes(config: ResolvedConfig, byName: Map<string, ContextFolder[]>): ContextNode[] {
  return [...byName]
    .filter(([, folders]) => folders[0]!.dockerfile !== undefined)
    .map(([name, folders]) => ({
      context: name,
      buildArg: imageBuildArg(name),
      repository: imageRepository(config.namespace.value, config.app.value, name),
      dockerfile: readDockerfile(folders[0]!.dockerfile!),
    }));
}

export function graphProblemText(
  config: ResolvedConfig,
  problem: GraphProblem,
  known: readonly string[],
): string {
  if (problem.kind === "cycle") return `the FROM lines form a cycle: ${problem.contexts.join(" -> ")}`;
  const wanted = problem.arg
    .replace(/_IMAGE$/, "")
    .toLowerCase()
    .replace(/_/g, "-");
  return `${config.images.value}/${problem.context}/Dockerfile:${problem.line}: FROM \${${problem.arg}} names the project image '${wanted}', but there is no folder ${config.images.value}/${wanted} (valid: ${known.join(", ")})`;
}

/** The FROM images of a node that are neither project images nor earlier stages (nor `scratch`). */
export function externalImagesOf(
  node: ContextNode,
  nodes: readonly ContextNode[],
  /** The build args given (a target's `DEBIAN_IMAGE`): they win over the Dockerfile's ARG defaults. */
  buildArgs: Readonly<Record<string, string>> = {},
): string[] {
  const projectArgs = new Set(nodes.map((n) => n.buildArg));
  const projectRepos = new Set(nodes.map((n) => n.repository));
  const stages = new Set<string>();
  const external: string[] = [];
  for (const from of node.dockerfile.froms) {
    const arg = argReference(from.image);
    const image =
      arg === undefined
        ? from.image
        : projectArgs.has(arg)
          ? undefined
          : (buildArgs[arg] ?? node.dockerfile.globalArgs.get(arg));
    if (
      image !== undefined &&
      image !== "scratch" &&
      !stages.has(image) &&
      !projectRepos.has(image.replace(/[:@][^/]*$/, ""))
    ) {
      external.push(image);
    }
    if (from.stage !== undefined) stages.add(from.stage);
  }
  return [...new Set(external)];
}
