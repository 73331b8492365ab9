// Pure planning of `wheelwright image`: which folders to build, in which order, with which names,
// build args and labels. Every input problem is found here, before any engine call.
import type { ResolvedConfig } from "../config/schema.js";
import { argReference, readDockerfile } from "../domain/dockerfile.js";
import { commitTag, type GitFacts } from "../domain/git-facts.js";
import { buildImageGraph, buildOrder, type ContextNode } from "../domain/image-graph.js";
import { imageRepository, repositoryProblem } from "../domain/image-ref.js";
import {
  LABEL_CONTEXT,
  LABEL_CONTEXT_HASH,
  LABEL_DIRTY,
  LABEL_PROJECT,
  projectId,
} from "../domain/labels.js";
import { contextImageName, imageBuildArg } from "../domain/names.js";
import { InputError } from "../errors.js";

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

export interface ImageRequest {
  /** Folders to build (context names); empty with `all`. */
  targets: string[];
  all: boolean;
  /** Build context folder for a single target, relative to the project root (default: the target's folder). */
  contextPath?: string;
}

export interface ImageBuildStep {
  kind: "build-image";
  context: string;
  /** Why it is built: requested, or needed by a requested image and missing. */
  reason: "requested" | "dependency";
  dockerfile: string;
  contextPath: string;
  repository: string;
  tags: string[];
  buildArgs: Record<string, string>;
  labels: Record<string, string>;
  network: ResolvedConfig["network"]["value"];
  buildKit: boolean;
  /** FROM images that are not this project's (e.g. debian:bookworm-slim): the engine must have or pull them. */
  externalImages: string[];
}

export interface ImagePlan {
  version: 1;
  steps: ImageBuildStep[];
  warnings: string[];
}

export interface ImagePlanInputs {
  config: ResolvedConfig;
  contexts: ContextFolder[];
  request: ImageRequest;
  git: GitFacts;
  /** Images on the engine with the same content as their folder, by context: used as they are, not rebuilt (unless requested). */
  existingImages: ReadonlyMap<string, string>;
  /** Seconds since the epoch for `created` outside git (SOURCE_DATE_EPOCH or the clock). */
  now: number;
  /** The `org.opencontainers.image.source` label: the git remote (credentials removed) or the project folder. */
  sourceUrl: string;
}

const NEEDS_BUILDKIT = /^\s*RUN\s+(?:--\S+\s+)*--mount=/im;

export function planImages(inputs: ImagePlanInputs): ImagePlan {
  const { config, request } = inputs;
  const ns = config.namespace.value;
  const app = config.app.value;
  const problems: string[] = [];
  const warnings: string[] = [];

  const byName = new Map<string, ContextFolder[]>();
  for (const folder of inputs.contexts) {
    const name = contextImageName(folder.folder);
    byName.set(name, [...(byName.get(name) ?? []), folder]);
  }
  for (const [name, folders] of byName) {
    if (folders.length > 1) {
      problems.push(
        `${folders.map((f) => f.path).join(" and ")} both map to the image name '${imageRepository(ns, app, name)}'; rename one`,
      );
    }
  }
  const known = [...byName.keys()].sort();
  const targets = request.all
    ? known.filter((name) => name !== contextImageName(config.releaseContext.value))
    : request.targets.map(contextImageName);
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
  if (request.all && targets.length === 0) problems.push(`no image folders under ${config.images.value}/`);

  const nodes: ContextNode[] = [];
  for (const [name, folders] of byName) {
    const folder = folders[0]!;
    if (folder.dockerfile === undefined) continue;
    const repository = imageRepository(ns, app, name);
    const problem = repositoryProblem(repository);
    if (problem !== undefined) problems.push(`image name '${repository}' (from ${folder.path}) ${problem}`);
    nodes.push({
      context: name,
      buildArg: imageBuildArg(name),
      repository,
      dockerfile: readDockerfile(folder.dockerfile),
    });
  }
  const graph = buildImageGraph(nodes);
  for (const problem of graph.problems) {
    if (problem.kind === "cycle")
      problems.push(`the FROM lines form a cycle: ${problem.contexts.join(" -> ")}`);
    else {
      const wanted = problem.arg
        .replace(/_IMAGE$/, "")
        .toLowerCase()
        .replace(/_/g, "-");
      problems.push(
        `${config.images.value}/${problem.context}/Dockerfile:${problem.line}: FROM \${${problem.arg}} names the project image '${wanted}', but there is no folder ${config.images.value}/${wanted} (valid: ${known.join(", ")})`,
      );
    }
  }
  if (problems.length > 0) {
    throw new InputError(
      `Cannot build images (${problems.length} problem${problems.length > 1 ? "s" : ""})`,
      {
        details: problems,
        hint: `Each image is a folder under ${config.images.value}/ holding a Dockerfile.`,
      },
    );
  }

  const shaTag = commitTag(inputs.git);
  if (inputs.git.kind === "none")
    warnings.push(`not tagging with a commit: ${inputs.git.reason}; only the version tag is used`);
  else if (inputs.git.dirty)
    warnings.push(
      `the work tree has uncommitted changes: images are tagged ${shaTag}, not ${inputs.git.shortSha}`,
    );
  const primaryTag = shaTag ?? config.version.value;
  const requested = new Set(targets);
  // An image that is not being built and already exists with the same content is used as it is,
  // whatever commit its tag names: rebuilding it (say, only because the tree is dirty) would give
  // it a new id and invalidate every layer built on it.
  const reused = (context: string) =>
    requested.has(context) ? undefined : inputs.existingImages.get(context);
  const buildArgs: Record<string, string> = {};
  for (const node of [...nodes].sort((a, b) => a.context.localeCompare(b.context))) {
    buildArgs[node.buildArg] = reused(node.context) ?? `${node.repository}:${primaryTag}`;
  }

  const order = buildOrder(graph.dependencies, targets);
  const effectiveHashes = effectiveContentHashes(graph.dependencies, nodes, byName);
  const steps: ImageBuildStep[] = [];
  for (const context of order) {
    const node = nodes.find((candidate) => candidate.context === context)!;
    if (reused(context) !== undefined) continue;
    const folder = byName.get(context)![0]!;
    const tags = [
      ...new Set([`${node.repository}:${primaryTag}`, `${node.repository}:${config.version.value}`]),
    ];
    steps.push({
      kind: "build-image",
      context,
      reason: requested.has(context) ? "requested" : "dependency",
      dockerfile: `${folder.path}/Dockerfile`,
      contextPath:
        requested.has(context) && request.contextPath !== undefined && targets.length === 1
          ? request.contextPath
          : folder.path,
      repository: node.repository,
      tags,
      buildArgs,
      labels: { ...imageLabels(inputs, context), [LABEL_CONTEXT_HASH]: effectiveHashes.get(context)! },
      network: config.network.value,
      buildKit: NEEDS_BUILDKIT.test(folder.dockerfile ?? ""),
      externalImages: externalImagesOf(node, nodes),
    });
  }
  return { version: 1, steps, warnings };
}

/** The FROM images of a node that are neither project images nor earlier stages (nor `scratch`). */
function externalImagesOf(node: ContextNode, nodes: readonly ContextNode[]): string[] {
  const projectArgs = new Set(nodes.map((n) => n.buildArg));
  const projectRepos = new Set(nodes.map((n) => n.repository));
  const stages = new Set<string>();
  const external: string[] = [];
  for (const from of node.dockerfile.froms) {
    const arg = argReference(from.image);
    const image =
      arg === undefined ? from.image : projectArgs.has(arg) ? undefined : node.dockerfile.globalArgs.get(arg);
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

/**
 * A folder's own hash combined with those of the images it is built FROM: equal hashes mean an
 * image with the same content, whatever commit it was built at (so `build` can reuse it).
 */
function effectiveContentHashes(
  dependencies: Map<string, string[]>,
  nodes: readonly ContextNode[],
  byName: Map<string, ContextFolder[]>,
): Map<string, string> {
  const hashes = new Map<string, string>();
  const order = buildOrder(
    dependencies,
    nodes.map((node) => node.context),
  );
  for (const context of order) {
    const own = byName.get(context)![0]!.contentHash;
    const parents = (dependencies.get(context) ?? []).map((parent) => hashes.get(parent) ?? "");
    hashes.set(context, parents.length === 0 ? own : combineHashes([own, ...parents]));
  }
  return hashes;
}

/** A short, stable combination of hex hashes (FNV-1a over their text: pure, no crypto import needed). */
export function combineHashes(parts: readonly string[]): string {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (const char of parts.join("|")) {
    a = Math.imul(a ^ char.charCodeAt(0), 0x01000193) >>> 0;
    b = Math.imul(b ^ char.charCodeAt(0), 0x811c9dc5) >>> 0;
  }
  return `${a.toString(16).padStart(8, "0")}${b.toString(16).padStart(8, "0")}`;
}

function imageLabels(inputs: ImagePlanInputs, context: string): Record<string, string> {
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
 * The content hash of the builder image: its folder and those it is built FROM. It identifies the
 * builder in a wheelhouse's fingerprint without asking the engine, so an up-to-date check is pure.
 */
export function builderContentHash(
  config: ResolvedConfig,
  contexts: ContextFolder[],
  context = config.builderContext.value,
): string {
  const plan = planImages({
    config,
    contexts,
    request: { targets: [context], all: false },
    git: { kind: "none", reason: "not needed for a content hash" },
    existingImages: new Map(),
    now: 0,
    sourceUrl: "",
  });
  const builder = plan.steps.find(
    (s): s is ImageBuildStep => s.kind === "build-image" && s.reason === "requested",
  );
  return builder!.labels[LABEL_CONTEXT_HASH]!;
}
