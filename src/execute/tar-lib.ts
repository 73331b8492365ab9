// The tar package, loaded when an archive is first made or read: setting its modules up was about
// 5 ms of every command's start, and a no-op `build` (or `--help`) never touches an archive. In the
// bundle the import becomes a lazy initialiser (esbuild), in dist/ a dynamic import.
import type * as Tar from "tar";

let loaded: Promise<typeof Tar> | undefined;

export function loadTar(): Promise<typeof Tar> {
  loaded ??= import("tar");
  return loaded;
}
