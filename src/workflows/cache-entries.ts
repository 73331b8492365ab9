// `wheelwright cache ls|prune`: the project's entries in the registry wheel cache (issue 13), read
// from each wheel-set tag's manifest annotations (the project, wheels, size, creation time), and
// trimmed to the newest N. A repository shared by several projects keeps the others' entries: only
// manifests annotated with this project's id are listed or deleted.
import type { LoadedProject } from "../config/load.js";
import { isWheelSetTag } from "../domain/cache-ref.js";
import { projectId } from "../domain/labels.js";
import {
  ANNOTATION_CREATED,
  ANNOTATIONS,
  MAX_MANIFEST_BYTES,
  WHEELSET_ARTIFACT,
} from "../domain/wheelset-artifact.js";
import { InputError } from "../errors.js";
import type { CacheRegistry } from "../execute/cache-registry.js";
import type { WorkflowContext } from "./context.js";
import { cacheRefOf, openCacheRegistry } from "./wheel-cache.js";

export interface CacheEntry {
  tag: string;
  digest: string;
  /** `demo 0.1.0`: the application and version the set was built for. */
  app: string;
  wheels: number;
  /** Bytes of all its wheels. */
  size: number;
  /** ISO 8601, as pushed. */
  created: string;
  platform: string;
}

function registryFor(ctx: WorkflowContext, project: LoadedProject): CacheRegistry {
  const ref = cacheRefOf(project);
  if (ref === undefined)
    throw new InputError("No registry wheel cache is configured", {
      hint: 'Set `cache = "HOST[:PORT]/REPOSITORY"` in the config, or pass --cache REF.',
    });
  return openCacheRegistry(ctx, project, ref);
}

/** This project's entries, newest first. */
export async function listCacheEntries(ctx: WorkflowContext, project: LoadedProject): Promise<CacheEntry[]> {
  return entriesIn(registryFor(ctx, project), project);
}

async function entriesIn(registry: CacheRegistry, project: LoadedProject): Promise<CacheEntry[]> {
  const own = projectId(project.config.namespace.value, project.config.app.value);
  const entries: CacheEntry[] = [];
  for (const tag of (await registry.listTags()).filter(isWheelSetTag).sort()) {
    const found = await registry.getManifest(tag, MAX_MANIFEST_BYTES);
    if (found === undefined) continue;
    const entry = entryOf(tag, found.digest, found.bytes);
    if (entry !== undefined && entry.project === own) entries.push(entry.entry);
  }
  return entries.sort((a, b) => b.created.localeCompare(a.created) || a.tag.localeCompare(b.tag));
}

function entryOf(
  tag: string,
  digest: string,
  bytes: Buffer,
): { project: string; entry: CacheEntry } | undefined {
  let parsed: { artifactType?: unknown; annotations?: Record<string, unknown> };
  try {
    parsed = JSON.parse(bytes.toString("utf8"));
  } catch {
    return undefined;
  }
  const notes = parsed.annotations;
  if (parsed.artifactType !== WHEELSET_ARTIFACT || typeof notes !== "object" || notes === null)
    return undefined;
  const text = (key: string) => (typeof notes[key] === "string" ? (notes[key] as string) : "");
  const count = (key: string) => (/^\d{1,15}$/.test(text(key)) ? Number(text(key)) : 0);
  return {
    project: text(ANNOTATIONS.project),
    entry: {
      tag,
      digest,
      app: text(ANNOTATIONS.app),
      wheels: count(ANNOTATIONS.wheels),
      size: count(ANNOTATIONS.size),
      created: text(ANNOTATION_CREATED),
      platform: text(ANNOTATIONS.platform),
    },
  };
}

export interface PruneResult {
  kept: CacheEntry[];
  deleted: CacheEntry[];
  dryRun: boolean;
}

/** Deletes all but the newest `keep` entries of this project (with dryRun: only says which). */
export async function pruneCacheEntries(
  ctx: WorkflowContext,
  project: LoadedProject,
  keep: number,
  dryRun: boolean,
): Promise<PruneResult> {
  const registry = registryFor(ctx, project);
  const entries = await entriesIn(registry, project);
  const kept = entries.slice(0, keep);
  const deleted = entries.slice(keep);
  if (!dryRun)
    for (const entry of deleted) {
      ctx.signal.throwIfAborted();
      await registry.deleteManifest(entry.digest);
      ctx.emit({
        type: "notice",
        message: `deleted ${entry.tag} (${entry.app}, ${entry.created}) from ${registry.ref.text}`,
      });
    }
  return { kept, deleted, dryRun };
}
