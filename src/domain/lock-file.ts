// Which lock file a build installs from, and its format: configured (`lock`), or the first of
// pylock.toml, uv.lock and poetry.lock in the source; `none` resolves afresh.
import type { HelperRequest } from "./helper-request.js";

export type LockChoice = NonNullable<HelperRequest["lock"]>;

export const LOCK_FILES = ["pylock.toml", "uv.lock", "poetry.lock"];

export function lockFormatOf(file: string): LockChoice["format"] | undefined {
  const name = file.split("/").pop()!;
  if (/^pylock\.([^.]+\.)?toml$/.test(name)) return "pylock";
  if (name === "uv.lock") return "uv";
  if (name === "poetry.lock") return "poetry";
  if (name.endsWith(".txt") || name.endsWith(".in")) return "requirements";
  return undefined;
}

/** The lock to build from; `present` lists the files of LOCK_FILES that the source holds. */
export function chooseLock(
  configured: string | undefined,
  present: readonly string[],
): LockChoice | undefined | { problem: string } {
  if (configured === "none") return undefined;
  if (configured !== undefined) {
    const format = lockFormatOf(configured);
    return format === undefined
      ? {
          problem: `lock: '${configured}' is not a lock file wheelwright reads (pylock.toml, uv.lock, poetry.lock or a requirements .txt)`,
        }
      : { path: configured, format };
  }
  const found = LOCK_FILES.find((file) => present.includes(file));
  return found === undefined ? undefined : { path: found, format: lockFormatOf(found)! };
}
