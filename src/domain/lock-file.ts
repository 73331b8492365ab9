// Which lock file a build installs from, and its format: configured (`lock`), or the first of
// pylock.toml, uv.lock, poetry.lock and a hash-pinned requirements.txt (pip-compile
// --generate-hashes' default output) in the source; `none` resolves afresh.
import type { HelperRequest } from "./helper-request.js";

export type LockChoice = NonNullable<HelperRequest["lock"]>;

export const LOCK_FILES = ["pylock.toml", "uv.lock", "poetry.lock"];
/** Found as a lock only when every requirement in it is pinned with `==` and carries a hash. */
export const HASHED_REQUIREMENTS_LOCK = "requirements.txt";

/**
 * Whether a requirements file is a lock: at least one requirement, and every one pinned with `==`
 * and given `--hash`es (what `pip-compile --generate-hashes` and `uv pip compile
 * --generate-hashes` write). A file that includes others (`-r`, `-c`) or installs a folder (`-e`)
 * is not one.
 */
export function isHashPinnedRequirements(text: string): boolean {
  const lines = text
    .replace(/\\\r?\n/g, " ")
    .split(/\r?\n/)
    .map((line) => line.replace(/(^|\s)#.*$/, "").trim())
    .filter((line) => line !== "");
  const requirements = lines.filter((line) => !line.startsWith("-"));
  if (lines.some((line) => /^(-r|-c|-e|--requirement|--constraint|--editable)\b/.test(line))) return false;
  return (
    requirements.length > 0 &&
    requirements.every((line) =>
      /^[A-Za-z0-9][A-Za-z0-9._-]*(\[[^\]]*\])?\s*===?\s*[^\s;,]+(\s*;.*?)?\s+--hash[= ]/.test(line),
    )
  );
}

export function lockFormatOf(file: string): LockChoice["format"] | undefined {
  const name = file.split("/").pop()!;
  if (/^pylock\.([^.]+\.)?toml$/.test(name)) return "pylock";
  if (name === "uv.lock") return "uv";
  if (name === "poetry.lock") return "poetry";
  if (name.endsWith(".txt") || name.endsWith(".in")) return "requirements";
  return undefined;
}

/**
 * The lock to build from; `present` lists the files of LOCK_FILES that the source holds, and
 * HASHED_REQUIREMENTS_LOCK when it holds that file and the file is hash-pinned.
 */
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
  const found = [...LOCK_FILES, HASHED_REQUIREMENTS_LOCK].find((file) => present.includes(file));
  return found === undefined ? undefined : { path: found, format: lockFormatOf(found)! };
}
