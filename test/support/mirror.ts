// What the machine's local package mirror (file:///opt/pypi/simple, PEP 503 pages whose links carry
// `#sha256=`) offers for a name: each wheel's file name, version, URL, size and sha256. Lock files
// written by the shape tests take their pins and hashes from here, as the tools that write them
// would take them from the index.
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const MIRROR_INDEX = "file:///opt/pypi/simple";

export interface MirrorWheel {
  name: string;
  version: string;
  filename: string;
  url: string;
  size: number;
  sha256: string;
}

const canonical = (name: string) => name.toLowerCase().replace(/[-_.]+/g, "-");

/** Every wheel the mirror's page for `name` links to. */
export function mirrorWheels(name: string): MirrorWheel[] {
  const page = new URL(`${canonical(name)}/index.html`, `${MIRROR_INDEX}/`);
  const html = readFileSync(fileURLToPath(page), "utf8");
  return [...html.matchAll(/href="([^"#]+\.whl)#sha256=([0-9a-f]{64})"/g)].map(([, href, sha256]) => {
    const url = new URL(href!, page).href;
    const filename = path.basename(href!);
    return {
      name: canonical(name),
      version: filename.split("-")[1]!,
      filename,
      url,
      size: statSync(fileURLToPath(url)).size,
      sha256: sha256!,
    };
  });
}

/** The mirror's wheel of `name` at `version` (throws when the mirror has none: the fixture is wrong). */
export function mirrorWheel(name: string, version: string): MirrorWheel {
  const wheel = mirrorWheels(name).find((candidate) => candidate.version === version);
  if (wheel === undefined) throw new Error(`the mirror has no wheel of ${name} ${version}`);
  return wheel;
}

/** The highest version the mirror offers (numeric release segments compared). */
export function newestVersion(name: string): string {
  const key = (version: string) => version.split(".").map((part) => Number.parseInt(part, 10) || 0);
  const newer = (a: string, b: string) => {
    const [x, y] = [key(a), key(b)];
    for (let i = 0; i < Math.max(x.length, y.length); i++) {
      if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) > (y[i] ?? 0);
    }
    return false;
  };
  return mirrorWheels(name)
    .map((wheel) => wheel.version)
    .reduce((best, version) => (newer(version, best) ? version : best));
}
