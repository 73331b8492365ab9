// `wheelwright cache ls|prune`: the project's entries in the registry wheel cache (issue 13), wheel
// sets and wheels compiled from sdists, read from each tag's manifest annotations (the project,
// name, version, platform, size, creation time), and trimmed by the rule planCachePrune states. A
// repository shared by several projects keeps the others' entries: only manifests annotated with
// this project's id are listed or deleted.
import type { LoadedProject } from "../config/load.js";
import {
  type CacheEntry,
  cacheEntryOf,
  isCacheEntryTag,
  planCachePrune,
  sortCacheEntries,
} from "../domain/cache-listing.js";
import { projectId } from "../domain/labels.js";
import { MAX_MANIFEST_BYTES } from "../domain/wheelset-artifact.js";
import { InputError } from "../errors.js";
import type { CacheRegistry } from "../execute/cache-registry.js";
import type { WorkflowContext } from "./context.js";
import { cacheRefOf, openCacheRegistry } from "./wheel-cache.js";

export type { CacheEntry } from "../domain/cache-listing.js";

function registryFor(ctx: WorkflowContext, project: LoadedProject): CacheRegistry {
  const ref = cacheRefOf(project);
  if (ref === undefined)
    throw new InputError("No registry wheel cache is configured", {
      hint: 'Set `cache = "HOST[:PORT]/REPOSITORY"` in the config, or pass --cache REF.',
    });
  return openCacheRegistry(ctx, project, ref);
}

/** This project's entries (sets and sdist wheels), newest first. */
export async function listCacheEntries(ctx: WorkflowContext, project: LoadedProject): Promise<CacheEntry[]> {
  return entriesIn(ctx, registryFor(ctx, project), project);
}

async function entriesIn(
  ctx: WorkflowContext,
  registry: CacheRegistry,
  project: LoadedProject,
): Promise<CacheEntry[]> {
  const own = projectId(project.config.namespace.value, project.config.app.value);
  const entries: CacheEntry[] = [];
  for (const tag of (await registry.listTags()).filter(isCacheEntryTag).sort()) {
    ctx.signal.throwIfAborted();
    const found = await registry.getManifest(tag, MAX_MANIFEST_BYTES);
    if (found === undefined) continue;
    const entry = cacheEntryOf(tag, found.digest, found.bytes);
    if (entry !== undefined && entry.project === own) entries.push(entry.entry);
  }
  return sortCacheEntries(entries);
}

export interface PruneResult {
  kept: CacheEntry[];
  deleted: CacheEntry[];
  dryRun: boolean;
}

/**
 * Deletes this project's entries beyond the newest `keep` sets and the newest `keep` wheels of each
 * sdist-built distribution and platform (with dryRun: only says which).
 */
export async function pruneCacheEntries(
  ctx: WorkflowContext,
  project: LoadedProject,
  keep: number,
  dryRun: boolean,
): Promise<PruneResult> {
  const registry = registryFor(ctx, project);
  const { kept, deleted } = planCachePrune(await entriesIn(ctx, registry, project), keep);
  if (!dryRun) {
    const gone = new Set<string>();
    for (const entry of deleted) {
      ctx.signal.throwIfAborted();
      // Two tags on one manifest: the first delete removed both.
      if (!gone.has(entry.digest)) await registry.deleteManifest(entry.digest);
      gone.add(entry.digest);
      ctx.emit({
        type: "notice",
        message: `deleted ${entry.tag} (${entry.kind} ${entry.name} ${entry.version}, ${entry.created}) from ${registry.ref.text}`,
      });
    }
  }
  return { kept, deleted, dryRun };
}
