// A wheel set as an OCI artefact (issue 13): an OCI image manifest whose artifactType and config
// media type are wheelwright's own, the wheelhouse's manifest.json as the config blob, one layer
// per wheel. Registry 2.8 stores such manifests as they are (tested: any config media type,
// `artifactType` kept byte for byte). Parsing is strict: the registry is as untrusted as a builder.
import { isManifest, type Manifest } from "./manifest.js";
import { parseWheelFilename } from "./wheel-filename.js";

export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const WHEELSET_ARTIFACT = "application/vnd.wheelwright.wheelset.v1+json";
export const WHEELSET_CONFIG = "application/vnd.wheelwright.wheelset.config.v1+json";
export const WHEEL_LAYER = "application/vnd.wheelwright.wheel.v1+zip";

export const ANNOTATION_TITLE = "org.opencontainers.image.title";
export const ANNOTATION_CREATED = "org.opencontainers.image.created";
const PREFIX = "io.wheelwright";
export const ANNOTATIONS = {
  project: `${PREFIX}.project`,
  app: `${PREFIX}.app`,
  wheels: `${PREFIX}.wheels`,
  size: `${PREFIX}.size`,
  builder: `${PREFIX}.builder`,
  platform: `${PREFIX}.platform`,
  name: `${PREFIX}.wheel.name`,
  version: `${PREFIX}.wheel.version`,
  sha256: `${PREFIX}.wheel.sha256`,
  wheelPlatform: `${PREFIX}.wheel.platform`,
} as const;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export interface OciManifest {
  schemaVersion: 2;
  mediaType: typeof OCI_MANIFEST;
  artifactType: typeof WHEELSET_ARTIFACT;
  config: Descriptor;
  layers: Descriptor[];
  annotations: Record<string, string>;
}

/** A wheel layer as parsed: its file name checked to be a plain wheel name. */
export interface WheelLayer {
  filename: string;
  digest: string;
  size: number;
  sha256: string;
}

export interface ParsedWheelSet {
  config: Descriptor;
  layers: WheelLayer[];
  annotations: Record<string, string>;
}

/** What the host accepts from a registry, as it does from a builder (the config's output limits). */
export interface ArtifactLimits {
  maxLayers: number;
  maxWheelBytes: number;
  maxTotalBytes: number;
}

/** The largest config blob (a manifest.json) and manifest read: a real one of 5000 wheels is ~3 MiB. */
export const MAX_CONFIG_BYTES = 32 * 1024 * 1024;
export const MAX_MANIFEST_BYTES = 8 * 1024 * 1024;

const DIGEST = /^sha256:[0-9a-f]{64}$/;

export interface ComposeOptions {
  /** The config blob's digest and size (the manifest.json bytes that are pushed). */
  config: { digest: string; size: number };
  project: string;
  created: string;
}

/** The OCI manifest of a published wheel set. */
export function composeWheelSetArtifact(manifest: Manifest, options: ComposeOptions): OciManifest {
  const total = manifest.wheels.reduce((sum, wheel) => sum + wheel.size, 0);
  return {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: WHEELSET_ARTIFACT,
    config: { mediaType: WHEELSET_CONFIG, ...options.config },
    layers: manifest.wheels.map((wheel) => ({
      mediaType: WHEEL_LAYER,
      digest: `sha256:${wheel.sha256}`,
      size: wheel.size,
      annotations: {
        [ANNOTATION_TITLE]: wheel.filename,
        [ANNOTATIONS.name]: wheel.name,
        [ANNOTATIONS.version]: wheel.version,
        [ANNOTATIONS.sha256]: wheel.sha256,
        [ANNOTATIONS.wheelPlatform]: parseWheelFilename(wheel.filename)?.platformTags.join(".") ?? "",
      },
    })),
    annotations: {
      [ANNOTATION_CREATED]: options.created,
      [ANNOTATIONS.project]: options.project,
      [ANNOTATIONS.app]: `${manifest.app.name} ${manifest.app.version}`,
      [ANNOTATIONS.wheels]: String(manifest.wheels.length),
      [ANNOTATIONS.size]: String(total),
      [ANNOTATIONS.builder]: manifest.inputs.builder,
      [ANNOTATIONS.platform]: manifest.target?.platform ?? "builder",
    },
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function stringRecord(value: unknown, where: string): Record<string, string> {
  if (value === undefined) return {};
  if (!isRecord(value) || Object.values(value).some((v) => typeof v !== "string"))
    throw new Error(`${where}: annotations are not a map of strings`);
  return value as Record<string, string>;
}

function descriptor(value: unknown, where: string, mediaType: string): Descriptor {
  if (!isRecord(value)) throw new Error(`${where} is not a descriptor`);
  if (value.mediaType !== mediaType)
    throw new Error(`${where} has the media type ${String(value.mediaType)}, not ${mediaType}`);
  if (typeof value.digest !== "string" || !DIGEST.test(value.digest))
    throw new Error(`${where} has no sha256 digest`);
  if (typeof value.size !== "number" || !Number.isSafeInteger(value.size) || value.size < 0)
    throw new Error(`${where} has no valid size`);
  return {
    mediaType,
    digest: value.digest,
    size: value.size,
    annotations: stringRecord(value.annotations, where),
  };
}

/**
 * The artefact's config and wheel layers, or an Error saying what is wrong with it: another media
 * type, more layers or bytes than the limits, a title that is not a plain wheel file name (no `/`,
 * no `..`), a layer digest that is not the sha256 it names, two layers of one name.
 */
export function parseWheelSetArtifact(value: unknown, limits: ArtifactLimits): ParsedWheelSet {
  if (!isRecord(value) || value.schemaVersion !== 2) throw new Error("not an OCI manifest (schemaVersion 2)");
  if (value.mediaType !== OCI_MANIFEST)
    throw new Error(`the manifest's media type is ${String(value.mediaType)}`);
  if (value.artifactType !== WHEELSET_ARTIFACT)
    throw new Error(`the artifact type is ${String(value.artifactType)}, not ${WHEELSET_ARTIFACT}`);
  const config = descriptor(value.config, "the config", WHEELSET_CONFIG);
  if (config.size > MAX_CONFIG_BYTES) throw new Error(`the config blob is ${config.size} bytes`);
  if (!Array.isArray(value.layers)) throw new Error("the manifest has no layers");
  if (value.layers.length === 0 || value.layers.length > limits.maxLayers)
    throw new Error(`the manifest has ${value.layers.length} layers (1 to ${limits.maxLayers} accepted)`);
  const names = new Set<string>();
  let total = 0;
  const layers = value.layers.map((raw, index) => {
    const layer = descriptor(raw, `layer ${index}`, WHEEL_LAYER);
    const filename = layer.annotations?.[ANNOTATION_TITLE] ?? "";
    if (parseWheelFilename(filename) === undefined)
      throw new Error(`layer ${index}'s title ${JSON.stringify(filename)} is not a plain wheel file name`);
    if (names.has(filename)) throw new Error(`two layers are named ${filename}`);
    names.add(filename);
    if (layer.size > limits.maxWheelBytes)
      throw new Error(`${filename} is ${layer.size} bytes (at most ${limits.maxWheelBytes} accepted)`);
    total += layer.size;
    const sha256 = layer.digest.slice("sha256:".length);
    if (layer.annotations?.[ANNOTATIONS.sha256] !== sha256)
      throw new Error(`${filename}: the layer's digest is not the sha256 it names`);
    return { filename, digest: layer.digest, size: layer.size, sha256 };
  });
  if (total > limits.maxTotalBytes)
    throw new Error(`the wheels hold ${total} bytes (at most ${limits.maxTotalBytes} accepted)`);
  return { config, layers, annotations: stringRecord(value.annotations, "the manifest") };
}

/**
 * The config blob as the wheel set's manifest, checked against what the build asked for (its key's
 * parts) and against the layers: every wheel it lists is a layer of the same name, size and sha256.
 */
export function wheelSetManifestOf(
  configText: string,
  layers: readonly WheelLayer[],
  expected: {
    fingerprint: string;
    builder: string;
    sourceDateEpoch: number | undefined;
    app: string;
    /** The set labels the build asked for (`runtime`, `extra:test`, ...): each wheel's are among them. */
    sets: readonly string[];
  },
): Manifest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(configText);
  } catch {
    throw new Error("the config blob is not JSON");
  }
  if (!isManifest(parsed)) throw new Error("the config blob is not a wheelhouse manifest of this version");
  const { inputs } = parsed;
  if (inputs.fingerprint !== expected.fingerprint || inputs.builder !== expected.builder)
    throw new Error("the set was built from other inputs (a foreign entry under this key)");
  if ((inputs.sourceDateEpoch ?? null) !== (expected.sourceDateEpoch ?? null))
    throw new Error("the set was built with another SOURCE_DATE_EPOCH");
  if (parsed.app.name !== expected.app)
    throw new Error(`the set is ${parsed.app.name}'s, not ${expected.app}'s`);
  const byName = new Map(layers.map((layer) => [layer.filename, layer]));
  if (parsed.wheels.length !== layers.length)
    throw new Error("the manifest and the layers list other wheels");
  for (const wheel of parsed.wheels) {
    const layer = byName.get(wheel.filename);
    if (layer === undefined || layer.sha256 !== wheel.sha256 || layer.size !== wheel.size)
      throw new Error(`${wheel.filename}: the manifest and its layer disagree`);
    const problem = wheelEntryProblem(wheel, expected.sets);
    if (problem !== undefined) throw new Error(`${wheel.filename}: ${problem}`);
  }
  if (
    !parsed.wheels.some((wheel) => wheel.filename === parsed.app.filename && wheel.name === parsed.app.name)
  )
    throw new Error("the manifest's application wheel is not among its wheels");
  return parsed;
}

/** What the requirements, SBOM and lock file are written from must be of the shape a build writes. */
function wheelEntryProblem(wheel: Manifest["wheels"][number], sets: readonly string[]): string | undefined {
  if (wheel.origin !== "built" && wheel.origin !== "fetched") return "an unknown origin";
  if (!Array.isArray(wheel.sets) || wheel.sets.length === 0 || !wheel.sets.every((set) => sets.includes(set)))
    return "sets other than the build asked for";
  if (!wheel.requires.every((line) => typeof line === "string")) return "requirements that are not text";
  const sdist = wheel.sdist;
  if (
    sdist !== undefined &&
    (typeof sdist.name !== "string" ||
      !/^[0-9a-f]{64}$/.test(String(sdist.sha256)) ||
      !["string", "undefined"].includes(typeof sdist.url) ||
      !["string", "undefined"].includes(typeof sdist.path))
  )
    return "a malformed sdist";
  return undefined;
}
