// The registry wheel cache's repository reference (`127.0.0.1:5000/acme/wheels`, issue 13) and the
// tag a wheel set is stored under. Pure: checked when the config is resolved, before any request.
import { createHash } from "node:crypto";
import { componentProblem, tagProblem } from "./image-ref.js";
import { isLoopbackRegistry, registryOf } from "./registry.js";

export interface CacheRef {
  /** As configured, for messages: `127.0.0.1:5000/acme/wheels`. */
  text: string;
  /** `127.0.0.1:5000` */
  registry: string;
  /** `acme/wheels` */
  repository: string;
  /** The API's base: plain http only for a loopback registry (Docker's own rule), https otherwise. */
  baseUrl: string;
}

/** Why `text` is not a cache reference, or undefined. A host is required: there is no default registry. */
export function cacheRefProblem(text: string): string | undefined {
  if (/\s/.test(text)) return "contains whitespace";
  if (/[@]/.test(text) || /:[^/]*$/.test(text.split("/").slice(1).join("/")))
    return "names a tag or digest: give the repository alone (wheelwright picks the tags)";
  const registry = registryOf(text);
  if (registry === undefined)
    return "names no registry host: write it as HOST[:PORT]/REPOSITORY, e.g. 127.0.0.1:5000/acme/wheels";
  const parts = text.split("/").slice(1);
  if (parts.length === 0 || parts.every((part) => part === "")) return "names no repository";
  for (const part of parts) {
    const problem = componentProblem(part);
    if (problem !== undefined) return `component '${part}' ${problem}`;
  }
  if (!/^(\[[0-9a-f:]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(registry))
    return `has an invalid registry host '${registry}'`;
  return undefined;
}

/** The parsed reference; throws on one `cacheRefProblem` refuses (config resolution reports those first). */
export function parseCacheRef(text: string): CacheRef {
  const problem = cacheRefProblem(text);
  if (problem !== undefined) throw new Error(`cache: '${text}' ${problem}`);
  const registry = registryOf(text)!;
  const scheme = isLoopbackRegistry(registry) || /^\[::1\](:\d+)?$/.test(registry) ? "http" : "https";
  return {
    text,
    registry,
    repository: text.slice(registry.length + 1),
    baseUrl: `${scheme}://${registry}`,
  };
}

/** What decides a wheel set's bytes, beyond what the inputs fingerprint already holds. */
export interface WheelSetKey {
  /** manifest.inputs.fingerprint: source, dependency spec, index settings, sets, tool version. */
  fingerprint: string;
  /** manifest.inputs.builder: the builder image's content hash, or the local Python. */
  builder: string;
  sourceDateEpoch: number | undefined;
}

export const SET_TAG_PREFIX = "set-";

/**
 * The tag a wheel set is stored under: `set-<sha256 hex>` of its key. 68 characters, within a tag's
 * 128 of `[A-Za-z0-9_][A-Za-z0-9_.-]*`; the key's parts are hashed, never written into the tag
 * (a builder id holds `:` and spaces, which no tag may).
 */
export function wheelSetTag(key: WheelSetKey): string {
  const text = JSON.stringify({
    v: 1,
    fingerprint: key.fingerprint,
    builder: key.builder,
    sourceDateEpoch: key.sourceDateEpoch ?? null,
  });
  const tag = `${SET_TAG_PREFIX}${createHash("sha256").update(text).digest("hex")}`;
  const problem = tagProblem(tag);
  if (problem !== undefined) throw new Error(`internal: the cache tag ${tag} ${problem}`);
  return tag;
}

/** A tag this version writes for a wheel set (anything else in the repository is not ours). */
export function isWheelSetTag(tag: string): boolean {
  return /^set-[0-9a-f]{64}$/.test(tag);
}
