// The size of a folder's files, counted only as far as needed: a mirror of several GiB is not
// walked to the end to learn that it is over a limit of a few hundred MiB.
import { lstatSync, readdirSync } from "node:fs";
import path from "node:path";

/** The bytes of the regular files under `dir` (symlinks not followed); undefined once over `cap`. */
export function folderSize(dir: string, cap: number): number | undefined {
  let total = 0;
  const pending = [dir];
  while (pending.length > 0) {
    const current = pending.pop()!;
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) pending.push(full);
      else if (entry.isFile()) {
        total += lstatSync(full).size;
        if (total > cap) return undefined;
      }
    }
  }
  return total;
}
