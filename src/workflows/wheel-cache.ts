// The registry wheel cache of a build (issue 13): which repository, whether this run pushes, whether
// a cache that cannot be used fails the build, and the key a wheel set is stored under.
import type { LoadedProject } from "../config/load.js";
import { type CacheRef, parseCacheRef, wheelSetTag } from "../domain/cache-ref.js";
import { projectId } from "../domain/labels.js";
import type { Manifest } from "../domain/manifest.js";
import { parseSize } from "../domain/sizes.js";
import type { ArtifactLimits } from "../domain/wheelset-artifact.js";
import { RegistryError } from "../errors.js";
import type { CacheRegistry } from "../execute/cache-registry.js";
import { RegistryClient } from "../execute/registry-client.js";
import type { WorkflowContext } from "./context.js";

export interface CacheChoice {
  /** `--cache-push`; undefined: on when the CI variable is set (a CI runner fills the cache). */
  cachePush?: boolean;
  /** `--cache-required`: a cache that cannot be reached fails the build (exit 9) instead of a warning. */
  cacheRequired?: boolean;
}

export interface WheelCache {
  registry: CacheRegistry;
  push: boolean;
  required: boolean;
  /** The project annotation its entries carry (`cache ls` lists only this project's). */
  project: string;
  limits: ArtifactLimits;
}

/** The configured reference, undefined when there is none or --no-cache said so. */
export function cacheRefOf(project: LoadedProject): CacheRef | undefined {
  const text = project.config.cache.value;
  return text === undefined || text === "" ? undefined : parseCacheRef(text);
}

/** --cache-push, else on when the CI variable is set (a CI runner fills the cache, a laptop reads it). */
export function pushesToCache(choice: CacheChoice, env: WorkflowContext["env"]): boolean {
  const ci = env.CI;
  return choice.cachePush ?? (ci !== undefined && ci !== "" && ci !== "false" && ci !== "0");
}

/** The real registry client, or the one the context injects (unit tests: an in-memory fake). */
export function openCacheRegistry(
  ctx: WorkflowContext,
  project: LoadedProject,
  ref: CacheRef,
): CacheRegistry {
  const timeoutMs = project.config.cacheTimeout.value * 1000;
  return ctx.openCacheRegistry?.(ref, timeoutMs) ?? new RegistryClient(ref, { ...ctx, timeoutMs });
}

export function wheelCacheFor(
  ctx: WorkflowContext,
  project: LoadedProject,
  choice: CacheChoice,
): WheelCache | undefined {
  const ref = cacheRefOf(project);
  if (ref === undefined) return undefined;
  const { config } = project;
  return {
    registry: openCacheRegistry(ctx, project, ref),
    push: pushesToCache(choice, ctx.env),
    required: choice.cacheRequired === true,
    project: projectId(config.namespace.value, config.app.value),
    limits: {
      maxLayers: config.maxOutputFiles.value,
      maxWheelBytes: parseSize(config.maxWheelSize.value),
      maxTotalBytes: parseSize(config.maxOutputSize.value),
    },
  };
}

/** The tag a published set is stored under (its own inputs: the same key a later lookup computes). */
export function tagOfManifest(manifest: Manifest): string {
  return wheelSetTag({
    fingerprint: manifest.inputs.fingerprint,
    builder: manifest.inputs.builder,
    sourceDateEpoch: manifest.inputs.sourceDateEpoch,
  });
}

/**
 * A registry that failed us: a warning and on without it, or with --cache-required the error
 * itself, with a hint saying how to go on without the cache. Anything else is rethrown.
 */
export function cacheUnavailable(
  ctx: WorkflowContext,
  cache: WheelCache,
  error: unknown,
  doing: string,
): void {
  if (!(error instanceof RegistryError)) throw error;
  if (cache.required)
    throw new RegistryError(error.message, {
      details: error.details,
      hint: `${error.hint ?? ""} --cache-required makes an unusable cache an error; without it the build warns and ${doing} (or pass --no-cache).`.trim(),
    });
  ctx.emit({
    type: "warning",
    message: `the registry cache ${cache.registry.ref.text} cannot be used (${error.message}): ${doing}`,
  });
}
