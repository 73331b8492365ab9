// What `wheelwright cache ls|prune` knows of an entry of the registry wheel cache (issue 13): a
// wheel set (`set-<hex>`) or a wheel compiled from an sdist (`sdist-<group>-<sha256>`), read from
// its manifest's annotations, and which of them a prune keeps. Pure: the workflow lists the tags
// and fetches the manifests.
import { isWheelSetTag } from "./cache-ref.js";
import { normalizeName } from "./names.js";
import { SDIST_WHEEL_ARTIFACT } from "./sdist-wheel-artifact.js";
import { isSdistWheelTag } from "./sdist-wheel-key.js";
import { compareText } from "./text-order.js";
import { ANNOTATION_CREATED, ANNOTATIONS, WHEELSET_ARTIFACT } from "./wheelset-artifact.js";

export type CacheEntryKind = "set" | "sdist wheel";

export interface CacheEntry {
  kind: CacheEntryKind;
  tag: string;
  digest: string;
  /** A set: the application it was built for; an sdist wheel: the wheel's distribution. */
  name: string;
  version: string;
  /** Where its builder ran (`linux/amd64`), as annotated. */
  platform: string;
  /** ISO 8601, as pushed. */
  created: string;
  /** Bytes of its wheels. */
  size: number;
  wheels: number;
}

/** A tag this version writes for an entry `cache ls` lists (anything else in the repository is not ours). */
export function isCacheEntryTag(tag: string): boolean {
  return isWheelSetTag(tag) || isSdistWheelTag(tag);
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The entry a manifest under `tag` describes, with the project it is annotated with; undefined for
 * anything that is not one (not JSON, another artifact type than the tag's kind writes). Lenient
 * beyond that: a listing shows what an entry claims, the build verifies it before using it.
 */
export function cacheEntryOf(
  tag: string,
  digest: string,
  bytes: Buffer,
): { project: string; entry: CacheEntry } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString("utf8"));
  } catch {
    return undefined;
  }
  if (!isRecord(parsed) || !isRecord(parsed.annotations)) return undefined;
  const notes = parsed.annotations;
  const text = (key: string) => (typeof notes[key] === "string" ? (notes[key] as string) : "");
  const count = (key: string) => (/^\d{1,15}$/.test(text(key)) ? Number(text(key)) : 0);
  const common = { tag, digest, created: text(ANNOTATION_CREATED), platform: text(ANNOTATIONS.platform) };
  if (isWheelSetTag(tag) && parsed.artifactType === WHEELSET_ARTIFACT) {
    // `demo 0.1.0`: a project name holds no space, so the first one splits it.
    const [name = "", ...version] = text(ANNOTATIONS.app).split(" ");
    return {
      project: text(ANNOTATIONS.project),
      entry: {
        kind: "set",
        ...common,
        name,
        version: version.join(" "),
        size: count(ANNOTATIONS.size),
        wheels: count(ANNOTATIONS.wheels),
      },
    };
  }
  if (isSdistWheelTag(tag) && parsed.artifactType === SDIST_WHEEL_ARTIFACT) {
    const layers = Array.isArray(parsed.layers) ? parsed.layers : [];
    const size = layers.reduce(
      (sum: number, layer: unknown) =>
        sum + (isRecord(layer) && Number.isSafeInteger(layer.size) ? (layer.size as number) : 0),
      0,
    );
    return {
      project: text(ANNOTATIONS.project),
      entry: {
        kind: "sdist wheel",
        ...common,
        name: text(ANNOTATIONS.name),
        version: text(ANNOTATIONS.version),
        size,
        wheels: layers.length,
      },
    };
  }
  return undefined;
}

/** Newest first (ties by tag, so a listing is stable); sets before sdist wheels of the same time. */
export function sortCacheEntries(entries: readonly CacheEntry[]): CacheEntry[] {
  const kindOrder = (entry: CacheEntry) => (entry.kind === "set" ? 0 : 1);
  return [...entries].sort(
    (a, b) => compareText(b.created, a.created) || kindOrder(a) - kindOrder(b) || compareText(a.tag, b.tag),
  );
}

export interface PrunePlan {
  kept: CacheEntry[];
  deleted: CacheEntry[];
}

/**
 * Which entries `cache prune --keep N` deletes: all but the newest N wheel sets, and of the wheels
 * compiled from sdists all but the newest N of each distribution and platform. Per distribution,
 * because one build uses one entry per sdist it compiled: a total of N would delete wheels the
 * newest set still needs. An entry whose manifest digest a kept entry shares is kept (the registry
 * deletes a manifest with every tag on it). Both lists newest first.
 */
export function planCachePrune(entries: readonly CacheEntry[], keep: number): PrunePlan {
  const seen = new Map<string, number>();
  const kept: CacheEntry[] = [];
  const doomed: CacheEntry[] = [];
  for (const entry of sortCacheEntries(entries)) {
    const group = entry.kind === "set" ? "set" : `sdist wheel ${normalizeName(entry.name)} ${entry.platform}`;
    const rank = seen.get(group) ?? 0;
    seen.set(group, rank + 1);
    (rank < keep ? kept : doomed).push(entry);
  }
  const keptDigests = new Set(kept.map((entry) => entry.digest));
  const deleted: CacheEntry[] = [];
  for (const entry of doomed) (keptDigests.has(entry.digest) ? kept : deleted).push(entry);
  return { kept: sortCacheEntries(kept), deleted };
}
