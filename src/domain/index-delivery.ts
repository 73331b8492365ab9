// How the builder gets the local package folders (file:// indexes, find-links folders) the index
// settings name. A local engine shares this machine's files: they are bind-mounted read-only at
// the same path. A remote engine's host does not have them: they are copied into the builder at
// the same path (so pip sees the same URLs, and builds the same wheels), up to a size limit; past
// it the build is refused, never left to find an empty index.
import type { EngineLocation } from "./engine-endpoint.js";
import type { IndexSettings } from "./index-settings.js";

export interface LocalPackageFolder {
  dir: string;
  /** Its size in bytes; undefined when counting stopped past the limit. */
  bytes: number | undefined;
}

export type IndexDelivery =
  | { kind: "mount"; dirs: string[] }
  | { kind: "copy"; copies: { dir: string; bytes: number }[] }
  | { kind: "refuse"; folders: LocalPackageFolder[]; totalKnown: number; limit: number };

export function decideIndexDelivery(
  location: EngineLocation,
  folders: readonly LocalPackageFolder[],
  limit: number,
): IndexDelivery {
  if (location === "local") return { kind: "mount", dirs: folders.map((folder) => folder.dir) };
  const measured = folders.flatMap((folder) =>
    folder.bytes === undefined ? [] : [{ dir: folder.dir, bytes: folder.bytes }],
  );
  const total = measured.reduce((sum, folder) => sum + folder.bytes, 0);
  if (measured.length === folders.length && total <= limit) return { kind: "copy", copies: measured };
  return { kind: "refuse", folders: [...folders], totalKnown: total, limit };
}

const LOOPBACK_HOSTS = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/**
 * The HTTP index locations on a loopback address: on a remote engine the builder's 127.0.0.1 is
 * the engine host's (with `network = "host"`), so such an index is not this machine's one.
 */
export function loopbackIndexUrls(index: IndexSettings): string[] {
  const locations = [
    ...(index.indexUrl ? [index.indexUrl] : []),
    ...index.extraIndexUrls,
    ...index.findLinks,
  ];
  return locations.filter((location) => {
    if (!/^https?:\/\//i.test(location)) return false;
    try {
      return LOOPBACK_HOSTS.test(new URL(location).hostname);
    } catch {
      return false;
    }
  });
}
