// Pure planning of `wheelwright image`: which folders to build, in which order, with which names,
// build args and labels, and the exact engine command of each build. Every input problem is found
// here, before any engine call.
import type { ResolvedConfig } from "../config/schema.js";
import {
  dockerfileWithLabels,
  type EngineBinary,
  type EngineCommand,
  type ImageBuildSpec,
  imageBuildCommand,
  labelsAsInstruction,
} from "../domain/engine-commands.js";
import { commitTag, type GitFacts } from "../domain/git-facts.js";
import { buildImageGraph, buildOrder, type ContextNode, type GraphProblem } from "../domain/image-graph.js";
import { repositoryProblem } from "../domain/image-ref.js";
import { imageTags } from "../domain/image-tags.js";
import { LABEL_CONTEXT_HASH } from "../domain/labels.js";
import { contextImageName } from "../domain/names.js";
import { InputError } from "../errors.js";
import {
  type ContextFolder,
  duplicateNames,
  externalImagesOf,
  foldersByImageName,
  graphProblemText,
  imageNodes,
  targetProblems,
} from "./image-folders.js";
import { effectiveContentHashes, imageLabels } from "./image-identity.js";
import { type ImageTarget, imageBuildArgs, targetLabels } from "./image-target.js";
import type { PrintablePlan, PrintableStep } from "./plan.js";

export type { ContextFolder } from "./image-folders.js";
export { imageContentHash } from "./image-identity.js";
export type { ImageTarget } from "./image-target.js";

export interface ImageRequest {
  /** Folders to build (context names); empty with `all`. */
  targets: readonly string[];
  all: boolean;
  /** Build context folder (absolute) for a single target (default: the target's folder). */
  contextDir?: string;
  /** Tags for a single target instead of `:<sha>` and `:<version>` (release's candidate tag). */
  tags?: readonly string[];
  /** Extra labels for a single target (release's wheelhouse fingerprint). */
  labels?: Readonly<Record<string, string>>;
  /**
   * Requested images too are reused when an image of the same content exists (tagged for this
   * commit instead of rebuilt): `all` uses it, so a commit that changed no image folder rebuilds
   * no image (a rebuilt base would get a new id and make every image on it rebuild too).
   */
  reuseSameContent?: boolean;
  /**
   * The requested image is built with BuildKit when the engine has it (ImagePlanInputs.buildKit):
   * `release` asks it, because BuildKit builds its independent stages at once and commits no layer
   * for ENV, USER or LABEL, where the legacy builder runs them one after another.
   */
  preferBuildKit?: boolean;
}

/** An existing image of the same content, given this commit's tags instead of being rebuilt. */
export interface ImageTagStep extends PrintableStep {
  readonly kind: "tag-image";
  readonly context: string;
  readonly source: string;
  readonly tags: readonly string[];
}

export interface ImageBuildStep extends PrintableStep {
  readonly kind: "build-image";
  readonly context: string;
  /** Why it is built: requested, or needed by a requested image and missing. */
  readonly reason: "requested" | "dependency";
  readonly repository: string;
  readonly tags: readonly string[];
  /** Every label the image gets (as flags, or in the generated Dockerfile). */
  readonly labels: Readonly<Record<string, string>>;
  readonly spec: ImageBuildSpec;
  readonly command: EngineCommand;
  /** FROM images that are not this project's (e.g. debian:bookworm-slim): the engine must have or pull them. */
  readonly externalImages: readonly string[];
  /** The Dockerfile uses RUN --mount: it needs BuildKit. */
  readonly needsBuildKit: boolean;
}

export interface ImagePlan extends PrintablePlan {
  readonly steps: readonly ImageBuildStep[];
  /** Requested images that exist with the same content (reuseSameContent): tagged, not built. */
  readonly retags: readonly ImageTagStep[];
  /** Where generated Dockerfiles go: created before the first build, removed after the last. */
  readonly scratchDir: string;
}

export interface ImagePlanInputs {
  config: ResolvedConfig;
  contexts: readonly ContextFolder[];
  request: ImageRequest;
  git: GitFacts;
  /** Images on the engine with the same content as their folder, by context: used as they are, not rebuilt (unless requested). */
  existingImages: ReadonlyMap<string, string>;
  /** Seconds since the epoch for `created` outside git (SOURCE_DATE_EPOCH or the clock). */
  now: number;
  /** The `org.opencontainers.image.source` label: the git remote (credentials removed) or the project folder. */
  sourceUrl: string;
  /** The project root (absolute): every path in a command is absolute, so it runs from anywhere. */
  root: string;
  binary: EngineBinary;
  /** A folder of this run for generated Dockerfiles. */
  scratchDir: string;
  /** The target built for (issue 14): its suffix ends every tag, its build args go to every build. */
  target?: ImageTarget;
  /** The engine builds with BuildKit when asked (undefined: not known, as in a dry run without an engine). */
  buildKit?: boolean;
}

const NEEDS_BUILDKIT = /^\s*RUN\s+(?:--\S+\s+)*--mount=/im;

export function planImages(inputs: ImagePlanInputs): ImagePlan {
  const { config, request } = inputs;
  const byName = foldersByImageName(inputs.contexts);
  const known = [...byName.keys()].sort();
  const targets = request.all
    ? known.filter((name) => name !== contextImageName(config.releaseContext.value))
    : request.targets.map(contextImageName);
  const nodes = imageNodes(config, byName);
  const graph = buildImageGraph(nodes);
  refuseProblems(config, byName, targets, request.all, nodes, graph.problems);
  const tagsOf = imageTags(
    inputs.git,
    config.version.value,
    inputs.target === undefined ? "" : `-${inputs.target.name}`,
  );
  const primaryTag = tagsOf.primary;
  const requested = new Set(targets);
  // An image that is not being built and already exists with the same content is used as it is,
  // whatever commit its tag names: rebuilding it (say, only because the tree is dirty) would give
  // it a new id and invalidate every layer built on it.
  const reused = (context: string) =>
    requested.has(context) && !request.reuseSameContent ? undefined : inputs.existingImages.get(context);
  const buildArgs = imageBuildArgs(nodes, reused, primaryTag, inputs.target);
  const hashes = effectiveContentHashes(graph.dependencies, nodes, byName);
  const steps = buildOrder(graph.dependencies, targets)
    .filter((context) => reused(context) === undefined)
    .map((context) =>
      buildStep(inputs, {
        node: nodes.find((candidate) => candidate.context === context)!,
        folder: byName.get(context)![0]!,
        requested: requested.has(context),
        single: targets.length === 1,
        primaryTag,
        versionTag: tagsOf.version,
        buildArgs,
        contentHash: hashes.get(context)!,
        nodes,
      }),
    );
  const retags = targets.flatMap((context): ImageTagStep[] => {
    const source = reused(context);
    if (source === undefined) return [];
    const repository = nodes.find((node) => node.context === context)!.repository;
    const tags = [...new Set([`${repository}:${primaryTag}`, `${repository}:${tagsOf.version}`])];
    const title = `image ${context}: unchanged, ${source} tagged ${tags.join(", ")}`;
    return [{ kind: "tag-image", id: `tag:${context}`, title, context, source, tags }];
  });
  return {
    version: 1,
    command: request.all ? "image --all" : `image ${targets.join(" ")}`,
    warnings: gitWarnings(inputs.git),
    steps,
    retags,
    scratchDir: inputs.scratchDir,
  };
}

/** Every problem with the folders, at once, as one input error (before any engine call). */
function refuseProblems(
  config: ResolvedConfig,
  byName: Map<string, ContextFolder[]>,
  targets: readonly string[],
  all: boolean,
  nodes: readonly ContextNode[],
  graphProblems: readonly GraphProblem[],
): void {
  const known = [...byName.keys()].sort();
  const problems = [
    ...duplicateNames(config, byName),
    ...targetProblems(config, byName, targets, all),
    ...nodes.flatMap(({ repository, context }) => {
      const problem = repositoryProblem(repository);
      return problem === undefined
        ? []
        : [`image name '${repository}' (from ${byName.get(context)![0]!.path}) ${problem}`];
    }),
    ...graphProblems.map((problem) => graphProblemText(config, problem, known)),
  ];
  if (problems.length === 0) return;
  throw new InputError(`Cannot build images (${problems.length} problem${problems.length > 1 ? "s" : ""})`, {
    details: problems,
    hint: `Each image is a folder under ${config.images.value}/ holding a Dockerfile.`,
  });
}

interface StepInputs {
  node: ContextNode;
  folder: ContextFolder;
  requested: boolean;
  /** The request names this one image: its own context folder, tags and labels apply. */
  single: boolean;
  primaryTag: string;
  versionTag: string;
  buildArgs: Record<string, string>;
  contentHash: string;
  nodes: readonly ContextNode[];
}

function buildStep(inputs: ImagePlanInputs, step: StepInputs): ImageBuildStep {
  const { config, request, root } = inputs;
  const { node, folder } = step;
  const own = step.requested && step.single;
  const tags =
    own && request.tags !== undefined
      ? [...request.tags]
      : [...new Set([`${node.repository}:${step.primaryTag}`, `${node.repository}:${step.versionTag}`])];
  const labels = {
    ...imageLabels(inputs, node.context),
    ...targetLabels(inputs.target),
    [LABEL_CONTEXT_HASH]: step.contentHash,
    ...(own ? request.labels : {}),
  };
  const needsBuildKit = NEEDS_BUILDKIT.test(folder.dockerfile ?? "");
  const builder = needsBuildKit || prefersBuildKit(inputs, own) ? "buildkit" : "legacy";
  const original = `${root}/${folder.path}/Dockerfile`;
  const inInstruction = labelsAsInstruction(inputs.binary, builder);
  const generated = `${inputs.scratchDir}/${node.context}.Dockerfile`;
  const spec: ImageBuildSpec = {
    contextDir: own && request.contextDir !== undefined ? request.contextDir : `${root}/${folder.path}`,
    dockerfile: inInstruction ? generated : original,
    tags,
    buildArgs: { ...step.buildArgs },
    labels: inInstruction ? {} : labels,
    network: config.network.value,
    builder,
  };
  return {
    kind: "build-image",
    id: `image:${node.context}`,
    title: `image ${node.context} -> ${tags.join(", ")}${step.requested ? "" : " (needed, and missing)"}`,
    context: node.context,
    reason: step.requested ? "requested" : "dependency",
    repository: node.repository,
    tags,
    labels,
    spec,
    command: imageBuildCommand(inputs.binary, spec),
    ...(inInstruction
      ? { writes: { path: generated, text: dockerfileWithLabels(folder.dockerfile!, labels) } }
      : {}),
    externalImages: externalImagesOf(node, step.nodes, step.buildArgs),
    needsBuildKit,
  };
}

/**
 * Whether this image is built with BuildKit although its Dockerfile does not need it: asked for, and
 * offered by a docker engine. Not for a target with a platform of its own: BuildKit would resolve
 * the FROM image for that platform, where the legacy builder uses the local image as it is.
 */
function prefersBuildKit(inputs: ImagePlanInputs, own: boolean): boolean {
  return (
    own &&
    inputs.request.preferBuildKit === true &&
    inputs.buildKit === true &&
    inputs.binary === "docker" &&
    inputs.target?.platform === undefined
  );
}

function gitWarnings(git: GitFacts): string[] {
  if (git.kind === "none") return [`not tagging with a commit: ${git.reason}; only the version tag is used`];
  if (git.dirty)
    return [
      `the work tree has uncommitted changes: images are tagged ${commitTag(git)}, not ${git.shortSha}`,
    ];
  return [];
}
