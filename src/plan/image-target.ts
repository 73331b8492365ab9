// A target's part in an image build (issue 14): its build args beside the project's image names,
// and the labels that say which target (and platform) an image was built for.
import type { ContextNode } from "../domain/image-graph.js";
import { LABEL_PLATFORM, LABEL_TARGET } from "../domain/labels.js";
import { compareText } from "../domain/text-order.js";

export interface ImageTarget {
  name: string;
  buildArgs: Readonly<Record<string, string>>;
  platform: string | undefined;
}

/**
 * The build args every build gets: each project image's name (an existing one it reuses, or this
 * commit's tag), after the target's own args (the project's images are named by the project).
 */
export function imageBuildArgs(
  nodes: readonly ContextNode[],
  reused: (context: string) => string | undefined,
  primaryTag: string,
  target: ImageTarget | undefined,
): Record<string, string> {
  return {
    ...target?.buildArgs,
    ...Object.fromEntries(
      [...nodes]
        .sort((a, b) => compareText(a.context, b.context))
        .map((node) => [node.buildArg, reused(node.context) ?? `${node.repository}:${primaryTag}`]),
    ),
  };
}

/** A target's images say which target and platform they were built for. */
export function targetLabels(target: ImageTarget | undefined): Record<string, string> {
  if (target === undefined) return {};
  return {
    [LABEL_TARGET]: target.name,
    ...(target.platform === undefined ? {} : { [LABEL_PLATFORM]: target.platform }),
  };
}
