// What provenance (push) and `verify` need of an image's registry, in their own verbs: the same
// OCI distribution client as the wheel cache's (registry-client.ts), speaking of "the registry" in
// its messages. Credentials are the engine's own login, or the push's temporary one (`configDir`).
import type { CacheRef } from "../domain/cache-ref.js";
import type { AuthWorld } from "./registry-auth.js";
import { RegistryClient } from "./registry-client.js";

export interface ImageRegistry {
  readonly ref: CacheRef;
  /** The manifest (at most `maxBytes`) with its digest and the media type it was served as; undefined on 404. */
  getManifest(
    reference: string,
    maxBytes: number,
    accept: string,
  ): Promise<{ bytes: Buffer; digest: string; mediaType: string } | undefined>;
  getBlobBytes(digest: string, maxBytes: number): Promise<Buffer>;
  hasBlob(digest: string): Promise<boolean>;
  putBlob(digest: string, bytes: Buffer): Promise<void>;
  putManifest(reference: string, bytes: Buffer, mediaType: string): Promise<string>;
}

export function openImageRegistry(
  ctx: AuthWorld & { signal: AbortSignal },
  ref: CacheRef,
  timeoutMs: number,
  options: { configDir?: string | undefined } = {},
): ImageRegistry {
  const env = options.configDir === undefined ? ctx.env : { ...ctx.env, DOCKER_CONFIG: options.configDir };
  return new RegistryClient(ref, {
    env,
    runner: ctx.runner,
    signal: ctx.signal,
    addSecrets: (values) => ctx.addSecrets(values),
    timeoutMs,
    label: "registry",
  });
}
