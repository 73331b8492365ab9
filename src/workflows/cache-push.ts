// A published wheel set pushed to the registry wheel cache (issue 13): blobs first (the config,
// then each wheel the registry does not hold yet), the manifest by tag last, so a reader never
// finds a tag whose blobs are missing. Read from the published wheelhouse, whose bytes were
// verified when it was built. A push that fails is a warning (the build succeeded), unless
// --cache-required.
import { readFileSync } from "node:fs";
import path from "node:path";
import { MANIFEST_FILE, type Manifest } from "../domain/manifest.js";
import { formatBytes } from "../domain/sizes.js";
import { composeWheelSetArtifact, OCI_MANIFEST } from "../domain/wheelset-artifact.js";
import { step } from "../events.js";
import { cachePushFailed, publishedWheelBytes, sha256Hex, uploadIfMissing } from "./cache-entry-io.js";
import type { WorkflowContext } from "./context.js";
import { tagOfManifest, type WheelCache } from "./wheel-cache.js";

export interface PushOptions {
  /** Replace what the tag holds (a refused entry); otherwise a tag that exists is left as it is. */
  replace: boolean;
}

export async function pushToCache(
  ctx: WorkflowContext,
  wheelhouse: string,
  manifest: Manifest,
  cache: WheelCache,
  options: PushOptions,
): Promise<void> {
  const tag = tagOfManifest(manifest);
  const where = cache.registry.ref.text;
  try {
    await step(
      ctx.emit,
      "cache-push",
      `push ${tag.slice(0, 16)}… to ${where}`,
      async () => {
        if (!options.replace && (await cache.registry.manifestDigest(tag)) !== undefined)
          return "already there";
        const pushed = await pushEntry(ctx, wheelhouse, manifest, cache, tag);
        ctx.emit({
          type: "notice",
          message: `pushed the wheel set to the registry cache ${where} as ${tag} (${manifest.wheels.length} wheels, ${formatBytes(pushed)} uploaded)`,
        });
        return `${formatBytes(pushed)} uploaded`;
      },
      ctx.clock,
      (detail) => detail,
    );
  } catch (error) {
    cachePushFailed(ctx, cache, error, "the wheelhouse is published but not in the cache");
  }
}

/** Uploads what the registry lacks and tags the manifest; returns the bytes uploaded. */
async function pushEntry(
  ctx: WorkflowContext,
  wheelhouse: string,
  manifest: Manifest,
  cache: WheelCache,
  tag: string,
): Promise<number> {
  const { registry } = cache;
  let uploaded = 0;
  const upload = async (digest: string, bytes: Buffer) => {
    ctx.signal.throwIfAborted();
    uploaded += await uploadIfMissing(registry, digest, bytes);
  };
  // The config is the manifest.json as published (its bytes are what the digest names).
  const config = readFileSync(path.join(wheelhouse, MANIFEST_FILE));
  const configDigest = `sha256:${sha256Hex(config)}`;
  await upload(configDigest, config);
  for (const wheel of manifest.wheels)
    await upload(`sha256:${wheel.sha256}`, publishedWheelBytes(wheelhouse, wheel));
  const artifact = composeWheelSetArtifact(manifest, {
    config: { digest: configDigest, size: config.length },
    project: cache.project,
    created: new Date(ctx.clock()).toISOString(),
  });
  await registry.putManifest(tag, Buffer.from(JSON.stringify(artifact)), OCI_MANIFEST);
  return uploaded;
}
