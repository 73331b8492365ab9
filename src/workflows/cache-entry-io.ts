// What both kinds of registry-cache entry (a wheel set, a wheel compiled from an sdist) do the same
// way: the error that refuses an entry, a manifest checked against the digest it was served as, a
// blob uploaded only when the registry lacks it, a published wheel's bytes read once and checked
// against the manifest, and what a push that failed says.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { MAX_MANIFEST_BYTES } from "../domain/wheelset-artifact.js";
import { IntegrityError, RegistryError, WheelwrightError } from "../errors.js";
import type { CacheRegistry } from "../execute/cache-registry.js";
import type { WorkflowContext } from "./context.js";
import { cacheUnavailable, type WheelCache } from "./wheel-cache.js";

/** An entry the registry serves that is not what its tag says: refused, and built locally. */
export class BadCacheEntry extends Error {}

/** A refused entry (its bytes failed a check), as opposed to a registry that cannot be used. */
export function isRefusedEntry(error: unknown): error is Error {
  return (
    error instanceof BadCacheEntry || (error instanceof WheelwrightError && !(error instanceof RegistryError))
  );
}

/** Runs a strict parse of an entry's document; what it throws refuses the entry. */
export function refusedUnless<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new BadCacheEntry((error as Error).message);
  }
}

export const sha256Hex = (bytes: Buffer): string => createHash("sha256").update(bytes).digest("hex");

/** The manifest under `tag`, its bytes hashed to the digest it was served as; undefined when none. */
export async function getCheckedManifest(registry: CacheRegistry, tag: string): Promise<Buffer | undefined> {
  const found = await registry.getManifest(tag, MAX_MANIFEST_BYTES);
  if (found === undefined) return undefined;
  if (found.digest !== `sha256:${sha256Hex(found.bytes)}`)
    throw new BadCacheEntry("the manifest is not the digest it was served as");
  return found.bytes;
}

/** Uploads the blob unless the registry holds it; returns the bytes uploaded. */
export async function uploadIfMissing(
  registry: CacheRegistry,
  digest: string,
  bytes: Buffer,
): Promise<number> {
  if (await registry.hasBlob(digest)) return 0;
  await registry.putBlob(digest, bytes);
  return bytes.length;
}

/**
 * A published wheel's bytes, read once: the wheelhouse may have changed since it was published,
 * and only the bytes the manifest names go to the cache.
 */
export function publishedWheelBytes(wheelhouse: string, wheel: { filename: string; sha256: string }): Buffer {
  const bytes = readFileSync(path.join(wheelhouse, wheel.filename));
  if (sha256Hex(bytes) !== wheel.sha256)
    throw new IntegrityError(`${wheel.filename} changed after it was published: not pushed to the cache`);
  return bytes;
}

/** A push that failed: a changed wheelhouse is a warning; an unusable registry as cacheUnavailable says. */
export function cachePushFailed(
  ctx: WorkflowContext,
  cache: WheelCache,
  error: unknown,
  doing: string,
): void {
  if (ctx.signal.aborted) throw error;
  if (error instanceof IntegrityError) {
    ctx.emit({
      type: "warning",
      message: `${error.message} (the registry cache ${cache.registry.ref.text} was left as it was)`,
    });
    return;
  }
  cacheUnavailable(ctx, cache, error, doing);
}
