// The files of the Python project that go into the builder: everything but what .dockerignore
// excludes (and never the wheelhouse, .git or wheelwright's own folders), with their hashes.
import { createHash } from "node:crypto";
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import path from "node:path";
import type { Ignore } from "@balena/dockerignore";
import dockerignoreModule from "@balena/dockerignore";
import { sha256FileSync } from "./file-hash.js";
import type { StatCache } from "./stat-cache.js";

// The package is CommonJS with `module.exports = factory` but types it as an ES default export:
// the default import is the factory in Node and in the bundle, where its code is then compiled
// with the rest (a require() of node_modules at run time was compiled afresh on every start).
const dockerignore = dockerignoreModule as unknown as () => Ignore;

export interface SourceFile {
  /** POSIX path relative to the source folder. */
  path: string;
  sha256: string;
  mode: number;
}

export interface SourceTree {
  dir: string;
  files: SourceFile[];
}

const ALWAYS_SKIPPED = [".git", ".wheelwright", "__pycache__", ".venv", "node_modules"];

/** `alsoSkip`: paths relative to `dir`; a path ending in `*` skips everything it starts. */
/** `hashes`: remembers hashes by stat (an up-to-date check then hashes only what changed). */
export function readSourceTree(
  dir: string,
  alsoSkip: readonly string[] = [],
  hashes?: StatCache,
): SourceTree {
  const ignoreFile = path.join(dir, ".dockerignore");
  const rules = dockerignore().add(
    existsSync(ignoreFile) ? readFileSync(ignoreFile, "utf8").split(/\r?\n/) : [],
  );
  const skipList = alsoSkip.map((p) => p.split(path.sep).join("/"));
  const skip = new Set(skipList.filter((p) => !p.endsWith("*")));
  const skipPrefixes = skipList.filter((p) => p.endsWith("*")).map((p) => p.slice(0, -1));
  const files: SourceFile[] = [];
  const walk = (relativeDir: string) => {
    for (const entry of readdirSync(path.join(dir, relativeDir), { withFileTypes: true })) {
      const relative = relativeDir === "" ? entry.name : `${relativeDir}/${entry.name}`;
      if (ALWAYS_SKIPPED.includes(entry.name) || skip.has(relative) || rules.ignores(relative)) continue;
      if (skipPrefixes.some((prefix) => relative.startsWith(prefix))) continue;
      const full = path.join(dir, relative);
      if (entry.isDirectory()) walk(relative);
      else if (entry.isSymbolicLink()) {
        files.push({ path: relative, sha256: sha256Text(`link:${readlinkSync(full)}`), mode: 0o120777 });
      } else if (entry.isFile()) {
        files.push({ path: relative, sha256: sha256FileSync(full), mode: lstatSync(full).mode & 0o777 });
      }
    }
  };
  walk("");
  hashes?.save();
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { dir, files };
}

export function sha256Text(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Files whose content is the dependency spec: a change to any other file only changes the app's wheel. */
export const SPEC_FILES = ["pyproject.toml", "setup.py", "setup.cfg"];

export function hashFiles(files: readonly SourceFile[]): string {
  return sha256Text(files.map((file) => `${file.path}\0${file.mode.toString(8)}\0${file.sha256}`).join("\n"));
}
