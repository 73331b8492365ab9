// Per-sdist entries of the registry wheel cache (issue 13): every wheel a builder compiled from an
// sdist is pushed as its own artefact, tagged by the group of its builder (identity, platform,
// dependency epoch) and the sdist's sha256; before a builder compiles anything, the group's entries
// are pulled and verified on the host exactly as a builder's wheels are (the registry is as
// untrusted as a builder), and handed into the builder, which uses one only for an sdist of exactly
// that sha256. A bad entry is refused with a warning naming its tag (that sdist is compiled); a
// registry that cannot be used is a warning (or, with --cache-required, the error).
import { mkdtempSync, rmSync } from "node:fs";
import path from "node:path";
import type { Manifest } from "../domain/manifest.js";
import { normalizeName } from "../domain/names.js";
import {
  composeSdistWheelArtifact,
  parseSdistWheelArtifact,
  planSdistLookup,
  type SdistBuiltWheel,
  sdistWheelConfig,
  sdistWheelFacts,
  sdistWheelsToPush,
} from "../domain/sdist-wheel-artifact.js";
import { type SdistWheelGroup, sdistGroupPrefix } from "../domain/sdist-wheel-key.js";
import { formatBytes } from "../domain/sizes.js";
import { OCI_MANIFEST } from "../domain/wheelset-artifact.js";
import { step } from "../events.js";
import { type KnownWheels, verifyUnlessKnown } from "../execute/wheel-set.js";
import {
  BadCacheEntry,
  cachePushFailed,
  getCheckedManifest,
  isRefusedEntry,
  publishedWheelBytes,
  refusedUnless,
  sha256Hex,
  uploadIfMissing,
} from "./cache-entry-io.js";
import type { WorkflowContext } from "./context.js";
import { cacheUnavailable, type WheelCache } from "./wheel-cache.js";

/** A wheel pulled from the cache and verified, ready to hand into the builder. */
export interface CachedSdistWheel {
  sdistSha256: string;
  filename: string;
  sha256: string;
  name: string;
  version: string;
  size: number;
}

export interface FetchedSdistWheels {
  /** The host folder holding the wheels (the caller removes it). */
  dir: string;
  wheels: CachedSdistWheel[];
  /** The registry failed us during the lookup: nothing is pushed to it after the build either. */
  unavailable: boolean;
}

export async function fetchSdistWheels(
  ctx: WorkflowContext,
  cache: WheelCache,
  group: SdistWheelGroup,
  known: KnownWheels,
): Promise<FetchedSdistWheels> {
  const dir = mkdtempSync(path.join(ctx.tmpdir, "wheelwright-sdist-wheels-"));
  const fetched: FetchedSdistWheels = { dir, wheels: [], unavailable: false };
  const where = cache.registry.ref.text;
  try {
    await step(
      ctx.emit,
      "cache-sdists",
      `look up wheels built from sdists in ${where}`,
      async () => {
        const prefix = sdistGroupPrefix(group);
        const plan = planSdistLookup(await cache.registry.listTags(), prefix, cache.limits.maxLayers);
        if (plan.leftOut > 0)
          ctx.emit({
            type: "warning",
            message: `the registry cache ${where} holds ${plan.entries.length + plan.leftOut} wheels for this builder: only ${plan.entries.length} are looked at (max-output-files)`,
          });
        let total = 0;
        for (const entry of plan.entries) {
          ctx.signal.throwIfAborted();
          try {
            const wheel = await pullOne(cache, group, entry, dir, known, cache.limits.maxTotalBytes - total);
            total += wheel.size;
            fetched.wheels.push(wheel);
          } catch (error) {
            if (ctx.signal.aborted) throw error;
            if (!isRefusedEntry(error)) throw error;
            ctx.emit({
              type: "warning",
              message: `the registry cache ${where} holds a bad entry under ${entry.tag} (${error.message}): refused, that sdist is compiled`,
            });
          }
        }
        return fetched.wheels.length;
      },
      ctx.clock,
      (count) => `${count} wheel${count === 1 ? "" : "s"}`,
    );
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    cacheUnavailable(ctx, cache, error, "compiles every sdist locally");
    fetched.unavailable = true;
    for (const wheel of fetched.wheels) rmSync(path.join(dir, wheel.filename), { force: true });
    fetched.wheels = [];
  }
  return fetched;
}

async function pullOne(
  cache: WheelCache,
  group: SdistWheelGroup,
  entry: { tag: string; sdistSha256: string },
  dir: string,
  known: KnownWheels,
  bytesLeft: number,
): Promise<CachedSdistWheel> {
  const manifest = await getCheckedManifest(cache.registry, entry.tag);
  if (manifest === undefined) throw new BadCacheEntry("the tag went away while it was read");
  const parsed = refusedUnless(() =>
    parseSdistWheelArtifact(JSON.parse(manifest.toString("utf8")), {
      group,
      sdistSha256: entry.sdistSha256,
      maxWheelBytes: Math.min(cache.limits.maxWheelBytes, bytesLeft),
    }),
  );
  const { layer } = parsed;
  const file = path.join(dir, layer.filename);
  try {
    const received = await cache.registry.getBlob(layer.digest, file, layer.size);
    if (received !== layer.sha256)
      throw new BadCacheEntry(`${layer.filename}: the blob's sha256 is not its digest`);
    // The same checks as a builder's wheels: a sound zip, RECORD, METADATA's name and version.
    const verified = await verifyUnlessKnown(file, layer.filename, known, received);
    if (verified.name !== normalizeName(parsed.name) || verified.version !== parsed.version)
      throw new BadCacheEntry(
        `${layer.filename} is not the ${parsed.name} ${parsed.version} its entry names`,
      );
    return {
      sdistSha256: entry.sdistSha256,
      filename: layer.filename,
      sha256: received,
      name: verified.name,
      version: verified.version,
      size: layer.size,
    };
  } catch (error) {
    rmSync(file, { force: true });
    throw error;
  }
}

/**
 * Pushes a per-sdist entry for every wheel of the published set compiled from an sdist and not
 * taken from the cache: blobs first, the manifest by tag last; a tag that exists is left alone.
 */
export async function pushSdistWheels(
  ctx: WorkflowContext,
  wheelhouse: string,
  manifest: Manifest,
  cache: WheelCache,
  group: SdistWheelGroup,
  fetchedFromCache: ReadonlySet<string>,
): Promise<void> {
  const where = cache.registry.ref.text;
  const wanted = sdistWheelsToPush(manifest.wheels, manifest.app.name, fetchedFromCache, group);
  if (wanted.length === 0) return;
  const { registry } = cache;
  try {
    await step(
      ctx.emit,
      "cache-push-sdists",
      `push ${wanted.length} wheel${wanted.length === 1 ? "" : "s"} built from sdists to ${where}`,
      async () => {
        let pushed = 0;
        let uploaded = 0;
        for (const { wheel, tag } of wanted) {
          ctx.signal.throwIfAborted();
          if ((await registry.manifestDigest(tag)) !== undefined) continue;
          uploaded += await pushOne(ctx, cache, wheelhouse, { wheel, tag }, group);
          pushed += 1;
        }
        if (pushed > 0)
          ctx.emit({
            type: "notice",
            message: `pushed ${pushed} wheel${pushed === 1 ? "" : "s"} built from sdists to the registry cache ${where} (${formatBytes(uploaded)} uploaded)`,
          });
        return pushed === 0 ? "already there" : `${pushed} pushed`;
      },
      ctx.clock,
      (detail) => detail,
    );
  } catch (error) {
    cachePushFailed(
      ctx,
      cache,
      error,
      "the wheelhouse is published but its sdist wheels are not in the cache",
    );
  }
}

/** One entry: the config and the wheel (each unless the registry holds it), the manifest by tag last. */
async function pushOne(
  ctx: WorkflowContext,
  cache: WheelCache,
  wheelhouse: string,
  { wheel, tag }: { wheel: SdistBuiltWheel; tag: string },
  group: SdistWheelGroup,
): Promise<number> {
  const { registry } = cache;
  const bytes = publishedWheelBytes(wheelhouse, wheel);
  const facts = sdistWheelFacts(wheel, group);
  const config = sdistWheelConfig(facts);
  const configDigest = `sha256:${sha256Hex(config)}`;
  const uploaded =
    (await uploadIfMissing(registry, configDigest, config)) +
    (await uploadIfMissing(registry, `sha256:${wheel.sha256}`, bytes));
  const artifact = composeSdistWheelArtifact(facts, {
    config: { digest: configDigest, size: config.length },
    project: cache.project,
    created: new Date(ctx.clock()).toISOString(),
  });
  await registry.putManifest(tag, Buffer.from(JSON.stringify(artifact)), OCI_MANIFEST);
  return uploaded;
}
