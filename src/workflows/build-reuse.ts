// The parts of a wheelhouse build that reuse what exists: the result store's sets and wheels, the
// previous wheelhouse's dependency wheels, and the indexes that can be reached.
import { rmSync } from "node:fs";
import type { LoadedProject } from "../config/load.js";
import type { ManifestWheel } from "../domain/manifest.js";
import { normalizeName } from "../domain/names.js";
import { publishManifest, reuseWheel } from "../execute/publish-wheelhouse.js";
import { createStaging } from "../execute/wheelhouse.js";
import { DEFAULT_INDEX, unreachableIndexes, withoutUnreachable } from "../project/index-probe.js";
import { StatCache } from "../project/stat-cache.js";
import type { BuildFacts, BuildWheelhouseRequest, Decision } from "./build-decision.js";
import type { BuildOutcome } from "./build-wheelhouse.js";
import { pushToCache } from "./cache-push.js";
import { restoreFromCache } from "./cache-restore.js";
import type { WorkflowContext } from "./context.js";
import type { WheelCache } from "./wheel-cache.js";

export /** The facts with unreachable indexes left out, each said in a warning with how to turn it off. */
async function withReachableIndexes(ctx: WorkflowContext, facts: BuildFacts): Promise<BuildFacts> {
  const unreachable = await unreachableIndexes(facts.helperIndex, ctx.env);
  for (const { url, reason } of unreachable) {
    ctx.emit({
      type: "warning",
      message:
        url === DEFAULT_INDEX && facts.helperIndex.indexUrl === undefined
          ? `pip's default index ${url} cannot be reached (${reason}): building without it. Set \`index-url\` to your mirror to say so for good.`
          : `the index ${url} cannot be reached (${reason}): building without it. Remove it from the index settings if it is gone for good.`,
    });
  }
  return unreachable.length === 0
    ? facts
    : { ...facts, helperIndex: withoutUnreachable(facts.helperIndex, unreachable) };
}

export /** A set built before from exactly these inputs, published from the store (every hash checked). */
function restoreFromStore(
  ctx: WorkflowContext,
  project: LoadedProject,
  facts: BuildFacts,
  decision: Decision,
): BuildOutcome | undefined {
  if (decision.stored === undefined) return undefined;
  ctx.emit({ type: "notice", message: `restoring from the result store: ${decision.mode.reason}` });
  const staging = createStaging(project.wheelhouseDir, facts.runId);
  try {
    for (const wheel of decision.stored.wheels) reuseWheel(wheel, { store: facts.store }, staging);
    ctx.signal.throwIfAborted();
    publishManifest(project.wheelhouseDir, staging, facts.runId, decision.stored);
    return {
      status: "restored",
      mode: { kind: "full", reason: "restored from the result store" },
      manifest: decision.stored,
      wheelhouse: project.wheelhouseDir,
    };
  } catch (error) {
    // A store that let us down (a wheel gone or changed) only means building after all.
    if ((error as { code?: string }).code !== "integrity") throw error;
    return undefined;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

export /**
 * App-only: the previous dependency wheels the sets asked for need (a smaller set keeps fewer, and
 * each keeps only the labels of the sets asked for), linked or copied in and checked against their hashes.
 */
function reusedDependencies(
  facts: BuildFacts,
  decision: Decision,
  appName: string,
  staging: string,
): ManifestWheel[] {
  if (decision.mode.kind !== "app-only") return [];
  const { previous, reuseFrom, sets } = decision.mode;
  const hashes = StatCache.for(facts.cacheDir, facts.wheelhouse);
  const from = reuseFrom === "store" ? { store: facts.store } : { wheelhouse: facts.wheelhouse, hashes };
  const deps = previous.wheels
    .filter((wheel) => wheel.name !== normalizeName(appName))
    .map((wheel) => ({ ...wheel, sets: wheel.sets.filter((set) => sets.includes(set)) }))
    .filter((wheel) => wheel.sets.length > 0);
  for (const wheel of deps) reuseWheel(wheel, from, staging);
  hashes.save();
  return deps;
}

/** What was found before any builder starts, and what to do with the registry cache after a build. */
export interface Reuse {
  outcome: BuildOutcome | undefined;
  /** Push the set this build makes (the cache is on, reachable, and pushing was asked for). */
  pushAfter: boolean;
  /** The tag holds an entry that was refused: the push replaces it. */
  replace: boolean;
  /** The registry failed the set's lookup: it is not asked again (for wheels built from sdists either). */
  cacheUnavailable?: boolean;
}

/**
 * The result store first (this machine's), then the registry cache (the team's), before the
 * engine is asked anything. A forced or reproducibility build looks nothing up; it may still push.
 */
export async function reuseBeforeBuilding(
  ctx: WorkflowContext,
  project: LoadedProject,
  facts: BuildFacts,
  decision: Decision,
  cache: WheelCache | undefined,
): Promise<Reuse> {
  const request: BuildWheelhouseRequest = facts.request;
  const push = cache?.push === true;
  const stored = restoreFromStore(ctx, project, facts, decision);
  if (stored !== undefined) {
    // A set this machine holds may be one the team's cache lacks (a runner with a warm store).
    if (push) await pushToCache(ctx, project.wheelhouseDir, stored.manifest, cache!, { replace: false });
    return { outcome: stored, pushAfter: false, replace: false };
  }
  if (cache === undefined || request.force || request.checkReproducible)
    return { outcome: undefined, pushAfter: push, replace: false };
  const lookup = await restoreFromCache(ctx, project, facts, decision, cache);
  if (lookup.kind === "restored") return { outcome: lookup.outcome, pushAfter: false, replace: false };
  // A registry that could not be reached for the lookup is not asked again to take the push.
  return {
    outcome: undefined,
    pushAfter: push && lookup.kind !== "unavailable",
    replace: lookup.kind === "refused",
    cacheUnavailable: lookup.kind === "unavailable",
  };
}
