// A wheel compiled from an sdist as an OCI artefact of the registry wheel cache (issue 13): its own
// artifactType and config media type, a small JSON config saying what it is, the wheel as its one
// layer, annotations naming the wheel, the sdist, the builder and the tags. Parsing is strict, and
// checks the entry against the group and sdist its tag names: a foreign or re-tagged entry is
// refused before a byte of its wheel is downloaded. Also the pure planning: which tags a build
// pulls, which wheels it pushes. Pure.
import type { ManifestWheel } from "./manifest.js";
import type { SdistWheelGroup } from "./sdist-wheel-key.js";
import { sdistShaOfTag, sdistWheelTag } from "./sdist-wheel-key.js";
import { compareText } from "./text-order.js";
import { parseWheelFilename } from "./wheel-filename.js";
import {
  ANNOTATION_CREATED,
  ANNOTATION_TITLE,
  ANNOTATIONS,
  type Descriptor,
  OCI_MANIFEST,
  WHEEL_LAYER,
  type WheelLayer,
} from "./wheelset-artifact.js";

export const SDIST_WHEEL_ARTIFACT = "application/vnd.wheelwright.sdist-wheel.v1+json";
export const SDIST_WHEEL_CONFIG = "application/vnd.wheelwright.sdist-wheel.config.v1+json";

export const SDIST_ANNOTATIONS = {
  sdistName: "io.wheelwright.sdist.name",
  sdistSha256: "io.wheelwright.sdist.sha256",
  sourceDateEpoch: "io.wheelwright.source-date-epoch",
  abi: "io.wheelwright.wheel.abi",
} as const;

export interface SdistWheelManifest {
  schemaVersion: 2;
  mediaType: typeof OCI_MANIFEST;
  artifactType: typeof SDIST_WHEEL_ARTIFACT;
  config: Descriptor;
  layers: [Descriptor];
  annotations: Record<string, string>;
}

/** What a per-sdist entry says of itself (its config blob, and its manifest's annotations). */
export interface SdistWheelFacts {
  name: string;
  version: string;
  filename: string;
  sha256: string;
  size: number;
  sdist: { name: string; sha256: string };
  builder: string;
  platform: string;
  sourceDateEpoch: number;
}

/** The wheel of a manifest entry built from an sdist, as the facts its cache entry records. */
export function sdistWheelFacts(
  wheel: ManifestWheel & { sdist: NonNullable<ManifestWheel["sdist"]> },
  group: SdistWheelGroup,
): SdistWheelFacts {
  return {
    name: wheel.name,
    version: wheel.version,
    filename: wheel.filename,
    sha256: wheel.sha256,
    size: wheel.size,
    sdist: { name: wheel.sdist.name, sha256: wheel.sdist.sha256 },
    builder: group.builder,
    platform: group.platform,
    sourceDateEpoch: group.sourceDateEpoch,
  };
}

/** The config blob's bytes: the facts as canonical JSON (sorted keys, so one wheel gives one blob). */
export function sdistWheelConfig(facts: SdistWheelFacts): Buffer {
  const sorted = (value: unknown): unknown =>
    typeof value === "object" && value !== null
      ? Object.fromEntries(
          Object.entries(value)
            .sort(([a], [b]) => compareText(a, b))
            .map(([k, v]) => [k, sorted(v)]),
        )
      : value;
  return Buffer.from(JSON.stringify(sorted(facts)));
}

export function composeSdistWheelArtifact(
  facts: SdistWheelFacts,
  options: { config: { digest: string; size: number }; project: string; created: string },
): SdistWheelManifest {
  const tags = parseWheelFilename(facts.filename);
  return {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: SDIST_WHEEL_ARTIFACT,
    config: { mediaType: SDIST_WHEEL_CONFIG, ...options.config },
    layers: [
      {
        mediaType: WHEEL_LAYER,
        digest: `sha256:${facts.sha256}`,
        size: facts.size,
        annotations: { [ANNOTATION_TITLE]: facts.filename, [ANNOTATIONS.sha256]: facts.sha256 },
      },
    ],
    annotations: {
      [ANNOTATION_CREATED]: options.created,
      [ANNOTATIONS.project]: options.project,
      [ANNOTATIONS.name]: facts.name,
      [ANNOTATIONS.version]: facts.version,
      [SDIST_ANNOTATIONS.sdistName]: facts.sdist.name,
      [SDIST_ANNOTATIONS.sdistSha256]: facts.sdist.sha256,
      [ANNOTATIONS.builder]: facts.builder,
      [ANNOTATIONS.platform]: facts.platform,
      [SDIST_ANNOTATIONS.sourceDateEpoch]: String(facts.sourceDateEpoch),
      [ANNOTATIONS.wheelPlatform]: tags?.platformTags.join(".") ?? "",
      [SDIST_ANNOTATIONS.abi]: tags?.abiTags.join(".") ?? "",
    },
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** A parsed entry: its one wheel layer, and the name and version it claims (checked against the wheel later). */
export interface ParsedSdistWheel {
  layer: WheelLayer;
  name: string;
  version: string;
}

/**
 * The entry under `tag`, or an Error saying why it is not one this build may use: another artefact
 * type, not exactly one wheel layer, a title that is not a plain wheel file name, a layer digest
 * that is not the sha256 it names, a wheel larger than accepted, or annotations naming another
 * sdist, builder, platform or epoch than the tag stands for (a foreign entry under this key).
 */
export function parseSdistWheelArtifact(
  value: unknown,
  expected: { group: SdistWheelGroup; sdistSha256: string; maxWheelBytes: number },
): ParsedSdistWheel {
  if (!isRecord(value) || value.schemaVersion !== 2) throw new Error("not an OCI manifest (schemaVersion 2)");
  if (value.mediaType !== OCI_MANIFEST)
    throw new Error(`the manifest's media type is ${String(value.mediaType)}`);
  if (value.artifactType !== SDIST_WHEEL_ARTIFACT)
    throw new Error(`the artifact type is ${String(value.artifactType)}, not ${SDIST_WHEEL_ARTIFACT}`);
  if (!isRecord(value.config) || value.config.mediaType !== SDIST_WHEEL_CONFIG)
    throw new Error("the config is not a wheelwright sdist-wheel config");
  if (!Array.isArray(value.layers) || value.layers.length !== 1)
    throw new Error("the manifest does not have exactly one layer");
  const raw = value.layers[0];
  if (!isRecord(raw) || raw.mediaType !== WHEEL_LAYER) throw new Error("the layer is not a wheel");
  if (typeof raw.digest !== "string" || !DIGEST.test(raw.digest))
    throw new Error("the layer has no sha256 digest");
  if (typeof raw.size !== "number" || !Number.isSafeInteger(raw.size) || raw.size < 0)
    throw new Error("the layer has no valid size");
  if (raw.size > expected.maxWheelBytes)
    throw new Error(`the wheel is ${raw.size} bytes (at most ${expected.maxWheelBytes} accepted)`);
  const layerNotes = isRecord(raw.annotations) ? raw.annotations : {};
  const filename = typeof layerNotes[ANNOTATION_TITLE] === "string" ? layerNotes[ANNOTATION_TITLE] : "";
  const parsedName = parseWheelFilename(filename);
  if (parsedName === undefined)
    throw new Error(`the layer's title ${JSON.stringify(filename)} is not a plain wheel file name`);
  const sha256 = raw.digest.slice("sha256:".length);
  if (layerNotes[ANNOTATIONS.sha256] !== sha256)
    throw new Error(`${filename}: the layer's digest is not the sha256 it names`);
  const notes = isRecord(value.annotations) ? value.annotations : {};
  const note = (key: string) => (typeof notes[key] === "string" ? (notes[key] as string) : undefined);
  const { group } = expected;
  if (
    note(SDIST_ANNOTATIONS.sdistSha256) !== expected.sdistSha256 ||
    note(ANNOTATIONS.builder) !== group.builder ||
    note(ANNOTATIONS.platform) !== group.platform ||
    note(SDIST_ANNOTATIONS.sourceDateEpoch) !== String(group.sourceDateEpoch)
  )
    throw new Error("it was built from another sdist or by another builder (a foreign entry under this key)");
  const name = note(ANNOTATIONS.name);
  const version = note(ANNOTATIONS.version);
  if (name === undefined || version === undefined) throw new Error("it names no wheel name or version");
  return { layer: { filename, digest: raw.digest, size: raw.size, sha256 }, name, version };
}

/** The group's entries among a repository's tags (sorted, at most `limit`), by sdist sha256. */
export function planSdistLookup(
  tags: readonly string[],
  prefix: string,
  limit: number,
): { entries: { tag: string; sdistSha256: string }[]; leftOut: number } {
  const entries = [...new Set(tags)].sort().flatMap((tag) => {
    const sdistSha256 = sdistShaOfTag(tag, prefix);
    return sdistSha256 === undefined ? [] : [{ tag, sdistSha256 }];
  });
  return { entries: entries.slice(0, limit), leftOut: Math.max(0, entries.length - limit) };
}

export type SdistBuiltWheel = ManifestWheel & { sdist: NonNullable<ManifestWheel["sdist"]> };

/**
 * The wheels of a built set worth a per-sdist entry: those compiled from an sdist (origin built,
 * an sdist named), not the application's, not those this build took from the cache (already there).
 */
export function sdistWheelsToPush(
  wheels: readonly ManifestWheel[],
  appName: string,
  fetchedFromCache: ReadonlySet<string>,
  group: SdistWheelGroup,
): { wheel: SdistBuiltWheel; tag: string }[] {
  return wheels
    .filter(
      (wheel): wheel is SdistBuiltWheel =>
        wheel.origin === "built" &&
        wheel.sdist !== undefined &&
        wheel.name !== appName &&
        !fetchedFromCache.has(wheel.filename),
    )
    .map((wheel) => ({ wheel, tag: sdistWheelTag(group, wheel.sdist.sha256) }));
}
