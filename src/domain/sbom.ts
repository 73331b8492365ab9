// The wheelhouse's SBOM (`sbom.cdx.json`): a CycloneDX 1.6 JSON document made from the manifest
// alone, so the same manifest always gives the same bytes (the reproducibility guarantee covers it).
// The application is the metadata component; every wheel of the manifest, the application's own
// included, is a library component whose bom-ref is its purl; the dependency graph follows
// dependency-graph.ts. No clock: the timestamp is SOURCE_DATE_EPOCH's, the serial number a UUID
// (v5) of the document's own content. The release image's SBOM (release-sbom.ts) is made here too,
// from its runtime wheels, with the image's Debian packages as other components.
import { createHash } from "node:crypto";
import { type CycloneDxLicense, cycloneDxLicenses } from "./declared-license.js";
import { dependencyEdges } from "./dependency-graph.js";
import type { Manifest, ManifestWheel } from "./manifest.js";
import { normalizeName } from "./names.js";
import { pypiPurl } from "./purl.js";

export { pypiPurl } from "./purl.js";

export const SBOM_FILE = "sbom.cdx.json";

const SPEC_VERSION = "1.6";
/** RFC 9562's URL namespace: the serial number is the v5 UUID of a name in it. */
const URL_NAMESPACE = "6ba7b811-9dad-11d1-80b4-00c04fd430c8";

export interface SbomComponent {
  type: "application" | "library" | "operating-system";
  "bom-ref": string;
  name: string;
  /** Always, but for an operating system with no VERSION_ID (a rolling release). */
  version?: string;
  hashes?: { alg: "SHA-256"; content: string }[];
  licenses?: CycloneDxLicense[];
  purl?: string;
  properties?: { name: string; value: string }[];
}

type Component = SbomComponent;

/** What an SBOM is made from: a manifest, or the part of one a release image holds. */
export interface SbomSource {
  tool: string;
  app: { name: string; version: string };
  inputs: { extras: readonly string[]; sourceDateEpoch: number | undefined };
  wheels: readonly ManifestWheel[];
  /** The target the wheels were built for (issue 14): named in the application component's properties. */
  target?: { name: string; platform?: string };
}

export interface Sbom {
  $schema: string;
  bomFormat: "CycloneDX";
  specVersion: typeof SPEC_VERSION;
  serialNumber: string;
  version: 1;
  metadata: {
    timestamp?: string;
    tools: { components: { type: "application"; name: string; version: string }[] };
    component: Component;
  };
  components: Component[];
  dependencies: { ref: string; dependsOn: string[] }[];
}

function wheelComponent(wheel: ManifestWheel): Component {
  const purl = pypiPurl(wheel.name, wheel.version);
  const licenses = cycloneDxLicenses(wheel.license);
  return {
    type: "library",
    "bom-ref": purl,
    name: wheel.name,
    version: wheel.version,
    hashes: [{ alg: "SHA-256", content: wheel.sha256 }],
    ...(licenses.length === 0 ? {} : { licenses }),
    purl,
    properties: [
      { name: "wheelwright:filename", value: wheel.filename },
      { name: "wheelwright:origin", value: wheel.origin },
      { name: "wheelwright:sets", value: [...wheel.sets].sort().join(",") },
    ],
  };
}

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The graph: each wheel's edges (dependency-graph.ts), and the application's: it stands for the
 * whole wheelhouse, so it depends on its own wheel and on every wheel no other wheel depends on
 * (the roots of a dependency group or a requirements file).
 */
function dependenciesOf(manifest: SbomSource, applicationRef: string): Sbom["dependencies"] {
  const refOf = new Map(manifest.wheels.map((wheel) => [wheel.name, pypiPurl(wheel.name, wheel.version)]));
  const edges = dependencyEdges(manifest.wheels, { name: manifest.app.name, extras: manifest.inputs.extras });
  const dependedOn = new Set([...edges.values()].flat());
  const roots = [
    refOf.get(manifest.app.name) ?? pypiPurl(manifest.app.name, manifest.app.version),
    ...[...refOf].filter(([name]) => !dependedOn.has(name)).map(([, ref]) => ref),
  ];
  return [
    { ref: applicationRef, dependsOn: [...new Set(roots)].sort(byCodeUnits) },
    ...[...edges].map(([name, targets]) => ({
      ref: refOf.get(name)!,
      dependsOn: targets.map((target) => refOf.get(target)!).sort(byCodeUnits),
    })),
  ].sort((a, b) => byCodeUnits(a.ref, b.ref));
}

/** `wheelwright:target` and `wheelwright:platform` (when declared) of a target's wheels; nothing without one. */
function targetProperties(target: SbomSource["target"]): Pick<Component, "properties"> {
  if (target === undefined) return {};
  return {
    properties: [
      { name: "wheelwright:target", value: target.name },
      ...(target.platform === undefined ? [] : [{ name: "wheelwright:platform", value: target.platform }]),
    ],
  };
}

/**
 * The SBOM of a wheelhouse, from its manifest; or of what a manifest's part is in (a release image):
 * `others` are listed beside the wheels, outside the wheels' dependency graph.
 */
export function sbomOf(manifest: SbomSource, others: readonly SbomComponent[] = []): Sbom {
  const { app } = manifest;
  // Not the purl: that is the bom-ref of the application's wheel, and bom-refs are unique.
  const applicationRef = `application:${normalizeName(app.name)}@${app.version}`;
  const [toolName, ...toolVersion] = manifest.tool.split(" ");
  const epoch = manifest.inputs.sourceDateEpoch;
  const body: Omit<Sbom, "serialNumber"> = {
    $schema: "http://cyclonedx.org/schema/bom-1.6.schema.json",
    bomFormat: "CycloneDX",
    specVersion: SPEC_VERSION,
    version: 1,
    metadata: {
      ...(epoch === undefined
        ? {}
        : { timestamp: new Date(epoch * 1000).toISOString().replace(".000Z", "Z") }),
      tools: {
        components: [
          {
            type: "application",
            name: toolName || "wheelwright",
            version: toolVersion.join(" ") || "unknown",
          },
        ],
      },
      component: {
        type: "application",
        "bom-ref": applicationRef,
        name: app.name,
        version: app.version,
        purl: pypiPurl(app.name, app.version),
        ...targetProperties(manifest.target),
      },
    },
    components: [...manifest.wheels.map(wheelComponent), ...others].sort((a, b) =>
      byCodeUnits(a["bom-ref"], b["bom-ref"]),
    ),
    dependencies: dependenciesOf(manifest, applicationRef),
  };
  // The serial number names this content: the same manifest, the same document, byte for byte.
  const digest = sha256Hex(JSON.stringify(body));
  const { $schema, bomFormat, specVersion, ...rest } = body;
  return {
    $schema,
    bomFormat,
    specVersion,
    serialNumber: `urn:uuid:${uuidV5(URL_NAMESPACE, `wheelwright:sbom:${digest}`)}`,
    ...rest,
  };
}

/** The SBOM as written to the wheelhouse. */
export function sbomText(manifest: Manifest): string {
  return sbomDocumentText(sbomOf(manifest));
}

/** An SBOM's file text: the same document, the same bytes. */
export function sbomDocumentText(sbom: Sbom): string {
  return `${JSON.stringify(sbom, null, 2)}\n`;
}

function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** A name-based UUID (RFC 9562 version 5: SHA-1 of the namespace's bytes and the name). */
export function uuidV5(namespace: string, name: string): string {
  const bytes = createHash("sha1")
    .update(Buffer.from(namespace.replace(/-/g, ""), "hex"))
    .update(name, "utf8")
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
