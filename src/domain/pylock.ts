// A pylock.toml (PEP 751, lock-version 1.0) written from a wheelhouse's manifest: every wheel with
// its version, size and sha256; a wheel only an extra or a group needs carries the marker that says
// so (`'test' in extras`, `'dev' in dependency_groups`).
import { stringify } from "smol-toml";
import type { Manifest, ManifestWheel } from "./manifest.js";

function marker(wheel: ManifestWheel): string | undefined {
  if (wheel.sets.includes("runtime")) return undefined;
  const parts = wheel.sets.flatMap((set) => {
    if (set.startsWith("extra:")) return [`'${set.slice(6)}' in extras`];
    if (set.startsWith("group:")) return [`'${set.slice(6)}' in dependency_groups`];
    return [];
  });
  return parts.length === 0 ? undefined : parts.join(" or ");
}

function sdistEntry(sdist: NonNullable<ManifestWheel["sdist"]>) {
  return {
    name: sdist.name,
    ...(sdist.url === undefined ? {} : { url: sdist.url }),
    ...(sdist.path === undefined ? {} : { path: sdist.path }),
    hashes: { sha256: sdist.sha256 },
  };
}

export function pylockText(manifest: Manifest, wheelhousePath: string, toolVersion: string): string {
  // The project itself is what gets built, not a locked dependency.
  const packages = manifest.wheels
    .filter((wheel) => wheel.name !== manifest.app.name)
    .map((wheel) => {
      const condition = marker(wheel);
      return {
        name: wheel.name,
        version: wheel.version,
        ...(condition === undefined ? {} : { marker: condition }),
        wheels: [
          {
            name: wheel.filename,
            path: `${wheelhousePath}/${wheel.filename}`,
            size: wheel.size,
            hashes: { sha256: wheel.sha256 },
          },
        ],
        // A wheel built here: the sdist it came from too, the file an index offers elsewhere.
        ...(wheel.sdist === undefined ? {} : { sdist: sdistEntry(wheel.sdist) }),
      };
    });
  const document = {
    "lock-version": "1.0",
    extras: manifest.inputs.extras,
    "dependency-groups": manifest.inputs.groups,
    "default-groups": [],
    "created-by": `wheelwright ${toolVersion}`,
    packages,
  };
  return `# Written by \`wheelwright lock\` from the wheelhouse (every wheel as built and verified there).\n${stringify(document)}\n`;
}
