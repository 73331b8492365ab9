// What goes into a release image, decided from the manifest alone: the runtime set, split into the
// dependencies (one layer, reused while they do not change) and the application (its own layer),
// each installed with --no-index --no-deps --require-hashes from its own pinned requirements.
import type { Manifest, ManifestWheel } from "./manifest.js";
import { normalizeName } from "./names.js";
import { compareText } from "./text-order.js";

export interface ReleaseContents {
  dependencies: ManifestWheel[];
  app: ManifestWheel;
  /** Wheels that only an extra, group or requirements file needed: they must not be in the image. */
  excluded: ManifestWheel[];
}

export function releaseContents(manifest: Manifest): ReleaseContents {
  const appName = normalizeName(manifest.app.name);
  const runtime = manifest.wheels.filter((wheel) => wheel.sets.includes("runtime"));
  const app = runtime.find((wheel) => wheel.name === appName);
  if (app === undefined) throw new Error(`the manifest's runtime set lacks the application ${appName}`);
  return {
    dependencies: runtime.filter((wheel) => wheel !== app),
    app,
    excluded: manifest.wheels.filter((wheel) => !wheel.sets.includes("runtime")),
  };
}

export function pinnedRequirements(wheels: readonly ManifestWheel[]): string {
  return `${[...wheels]
    .sort((a, b) => compareText(a.name, b.name))
    .map((wheel) => `${wheel.name}==${wheel.version} --hash=sha256:${wheel.sha256}`)
    .join("\n")}\n`;
}
