// The tag a wheel compiled from an sdist is stored under in the registry wheel cache (issue 13): a
// group prefix naming everything besides the sdist that decides the wheel's bytes (the builder's
// identity, its platform, the SOURCE_DATE_EPOCH dependencies are built with, the helper's
// version), then the sdist's own sha256. The group being a prefix lets one tag listing find every
// entry this builder can use, without reading a manifest per tag. Pure.
import { createHash } from "node:crypto";
import { tagProblem } from "./image-ref.js";

/**
 * The SOURCE_DATE_EPOCH the helper builds every dependency with (pipeline.py's
 * DEPENDENCY_SOURCE_DATE_EPOCH): not the app's commit time, so a dependency's wheel is the same at
 * every commit. A unit test reads the helper's constant and checks the two agree.
 */
export const DEPENDENCY_SOURCE_DATE_EPOCH = 315532800;

/** The builder helper's version (assets/wheelwright_helper/__init__.py), checked the same way. */
export const HELPER_VERSION = "2.0.0";

export interface SdistWheelGroup {
  /** The builder's identity: `image:<content hash>` (its image pins the Python, hence the ABI) or `local:python ...`. */
  builder: string;
  /** Where the builder runs: `linux/amd64` (its image's platform, or the host's for the local engine). */
  platform: string;
  sourceDateEpoch: number;
  helperVersion: string;
}

export const SDIST_TAG_PREFIX = "sdist-";
const SHA256 = /^[0-9a-f]{64}$/;

/** The group for this builder: the dependency epoch and helper version filled in. */
export function sdistWheelGroup(builder: string, platform: string): SdistWheelGroup {
  return {
    builder,
    platform,
    sourceDateEpoch: DEPENDENCY_SOURCE_DATE_EPOCH,
    helperVersion: HELPER_VERSION,
  };
}

/** `sdist-<24 hex>-`: the part of the tag every entry of one group shares. */
export function sdistGroupPrefix(group: SdistWheelGroup): string {
  const text = JSON.stringify({
    v: 1,
    builder: group.builder,
    platform: group.platform,
    sourceDateEpoch: group.sourceDateEpoch,
    helper: group.helperVersion,
  });
  return `${SDIST_TAG_PREFIX}${createHash("sha256").update(text).digest("hex").slice(0, 24)}-`;
}

/** `sdist-<group>-<sdist sha256>`: 95 characters, within a tag's 128. */
export function sdistWheelTag(group: SdistWheelGroup, sdistSha256: string): string {
  if (!SHA256.test(sdistSha256)) throw new Error(`internal: ${sdistSha256} is not a sha256 hex digest`);
  const tag = `${sdistGroupPrefix(group)}${sdistSha256}`;
  const problem = tagProblem(tag);
  if (problem !== undefined) throw new Error(`internal: the cache tag ${tag} ${problem}`);
  return tag;
}

/** A tag this version writes for a wheel built from an sdist. */
export function isSdistWheelTag(tag: string): boolean {
  return /^sdist-[0-9a-f]{24}-[0-9a-f]{64}$/.test(tag);
}

/** The sdist sha256 of a tag of the group `prefix` names, or undefined for any other tag. */
export function sdistShaOfTag(tag: string, prefix: string): string | undefined {
  if (!isSdistWheelTag(tag) || !tag.startsWith(prefix)) return undefined;
  return tag.slice(prefix.length);
}
