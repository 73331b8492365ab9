// The release image's SBOM (issue 14): the runtime wheels it was built from, told exactly as the
// wheelhouse's SBOM tells them (sbom.ts), and the Debian packages the image holds (dpkg's status,
// read by the release check), each a `pkg:deb/<vendor>/<name>@<version>?arch=..&distro=..`
// component; its distribution an operating-system component. The image carries it at a fixed path,
// named by a label with its sha256. Made from the manifest and the image's own files alone, so the
// same image contents give the same bytes.
import { dockerfileWithLabels } from "./engine-commands.js";
import type { ImageSystem } from "./image-system.js";
import type { Manifest } from "./manifest.js";
import { debPurl } from "./purl.js";
import type { ReleaseContents } from "./release-contents.js";
import { type Sbom, type SbomComponent, type SbomSource, sbomOf } from "./sbom.js";

/** Where every release image carries its SBOM. */
export const SBOM_IMAGE_PATH = "/usr/share/wheelwright/sbom.cdx.json";
/** The label naming that path, and the one holding the file's sha256. */
export const LABEL_SBOM = "io.wheelwright.sbom";
export const LABEL_SBOM_SHA256 = "io.wheelwright.sbom.sha256";
/** The purl vendor when the image has no os-release to name its distribution. */
const DEFAULT_VENDOR = "debian";

/** What the release SBOM takes from the manifest beside the runtime wheels. */
export type SbomBasis = Omit<SbomSource, "wheels">;

export function sbomBasis(manifest: Manifest): SbomBasis {
  const { app, inputs } = manifest;
  return {
    tool: manifest.tool,
    app: { name: app.name, version: app.version },
    inputs: { extras: inputs.extras, sourceDateEpoch: inputs.sourceDateEpoch },
    ...(manifest.target === undefined ? {} : { target: manifest.target }),
  };
}

export function releaseSbomOf(basis: SbomBasis, contents: ReleaseContents, system: ImageSystem): Sbom {
  const { os } = system;
  const vendor = os?.id ?? DEFAULT_VENDOR;
  // purl-spec's deb `distro`: the distribution's name and version, as scanners match it (debian-12).
  const distro = os?.versionId === undefined ? undefined : `${os.id}-${os.versionId}`;
  const packages = system.packages.map((pkg): SbomComponent => {
    const purl = debPurl(vendor, pkg.name, pkg.version, { arch: pkg.architecture, distro });
    // The source package as its own purl (`arch=source`): the spec has no qualifier for it.
    const source = pkg.source && {
      name: "wheelwright:deb:source",
      value: debPurl(vendor, pkg.source.name, pkg.source.version ?? pkg.version, { arch: "source", distro }),
    };
    return {
      type: "library",
      "bom-ref": purl,
      name: pkg.name,
      version: pkg.version,
      purl,
      ...(source === undefined ? {} : { properties: [source] }),
    };
  });
  const osComponents: SbomComponent[] =
    os === undefined
      ? []
      : [
          {
            type: "operating-system",
            "bom-ref": `os:${os.id}${os.versionId === undefined ? "" : `@${os.versionId}`}`,
            name: os.id,
            ...(os.versionId === undefined ? {} : { version: os.versionId }),
          },
        ];
  return sbomOf({ ...basis, wheels: [contents.app, ...contents.dependencies] }, [
    ...osComponents,
    ...packages,
  ]);
}

/** The one-line derived image: the checked candidate, its SBOM at the fixed path, and the labels. */
export function sbomImageDockerfile(from: string, sbomFile: string, sha256: string): string {
  return dockerfileWithLabels(`FROM ${from}\nCOPY ${sbomFile} ${SBOM_IMAGE_PATH}\n`, {
    [LABEL_SBOM]: SBOM_IMAGE_PATH,
    [LABEL_SBOM_SHA256]: sha256,
  });
}
