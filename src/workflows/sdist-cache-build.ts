// The per-sdist wheel cache in a wheelhouse build (issue 13): the lookup once the builder that
// will run is known (its identity and platform make the entries' group), what the builder's
// request and session get from it, the notices for the wheels it took, and the pushes after.
import type { HelperRequest } from "../domain/helper-request.js";
import type { Manifest } from "../domain/manifest.js";
import { type SdistWheelGroup, sdistWheelGroup } from "../domain/sdist-wheel-key.js";
import type { KnownWheels } from "../execute/wheel-set.js";
import type { BuildWheelhouseRequest, Decision } from "./build-decision.js";
import type { Reuse } from "./build-reuse.js";
import type { PreparedBuilder } from "./builder.js";
import { pushToCache } from "./cache-push.js";
import type { WorkflowContext } from "./context.js";
import { type FetchedSdistWheels, fetchSdistWheels, pushSdistWheels } from "./sdist-cache.js";
import type { WheelCache } from "./wheel-cache.js";

export interface SdistCacheUse {
  group: SdistWheelGroup;
  /** Undefined: not looked up (no cache, not a full build, a forced one, or the registry failed). */
  fetched: FetchedSdistWheels | undefined;
}

/**
 * The wheels a full build may take instead of compiling: never looked up for a forced or
 * reproducibility build (they compile on purpose) nor when the registry already failed this run.
 */
export async function lookUpSdistWheels(
  ctx: WorkflowContext,
  cache: WheelCache | undefined,
  build: { request: BuildWheelhouseRequest; decision: Decision; reuse: Reuse; prepared: PreparedBuilder },
  known: KnownWheels,
): Promise<SdistCacheUse> {
  const { request, decision, reuse, prepared } = build;
  const group = sdistWheelGroup(prepared.builderId, prepared.platform);
  const lookUp =
    cache !== undefined &&
    decision.mode.kind === "full" &&
    !request.force &&
    request.checkReproducible !== true &&
    reuse.cacheUnavailable !== true;
  return { group, fetched: lookUp ? await fetchSdistWheels(ctx, cache, group, known) : undefined };
}

/** The request's part: the wheels by the sdist each was built from, in the builder's `dir`. */
export function sdistWheelsRequest(
  fetched: FetchedSdistWheels | undefined,
  dir: string,
): HelperRequest["sdistWheels"] {
  if (fetched === undefined) return undefined;
  return {
    dir,
    wheels: fetched.wheels.map((w) => ({ sdist: w.sdistSha256, filename: w.filename, sha256: w.sha256 })),
  };
}

/** What the host says of each wheel the builder took from the cache; the count goes in the summary. */
export function noticeFetchedWheels(
  ctx: WorkflowContext,
  manifest: Manifest,
  fromCache: readonly string[],
): number {
  const names = new Set(fromCache);
  const wheels = manifest.wheels.filter((wheel) => names.has(wheel.filename));
  for (const wheel of wheels)
    ctx.emit({
      type: "notice",
      message: `${wheel.name} ${wheel.version} (sdist): fetched from the wheel cache`,
    });
  return wheels.length;
}

/** After a build: the set, then each wheel compiled from an sdist (unless the registry failed us). */
export async function pushAfterBuild(
  ctx: WorkflowContext,
  wheelhouse: string,
  manifest: Manifest,
  cache: WheelCache | undefined,
  reuse: Reuse,
  sdists: SdistCacheUse & { fromCache: readonly string[] },
): Promise<void> {
  if (!reuse.pushAfter || cache === undefined) return;
  await pushToCache(ctx, wheelhouse, manifest, cache, { replace: reuse.replace });
  if (sdists.fetched?.unavailable === true) return;
  await pushSdistWheels(ctx, wheelhouse, manifest, cache, sdists.group, new Set(sdists.fromCache));
}
