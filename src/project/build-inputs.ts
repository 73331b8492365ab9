// Everything a wheelhouse build depends on, collected from disk once, and its two fingerprints:
// all inputs (equal: up to date) and all but the application's own code (equal: reuse the deps).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { LoadedProject } from "../config/load.js";
import { insideProject } from "../config/load.js";
import { imagesDirs, outputDir } from "../config/target-view.js";
import type { IndexSettings } from "../domain/index-settings.js";
import { normalizeName } from "../domain/names.js";
import { InputError } from "../errors.js";

import type { FingerprintParts, Fingerprints } from "../plan/build-plan.js";
import { hashFiles, readSourceTree, type SourceTree, SPEC_FILES, sha256Text } from "./source-tree.js";
import type { StatCache } from "./stat-cache.js";

export interface BuildRequest {
  extras: string[];
  groups: string[];
  /** Requirements files, relative to the project root. */
  requirements: string[];
}

export interface BuildInputs {
  tree: SourceTree;
  /** Requirements files as paths relative to the source folder (they travel with the source). */
  requirementFiles: string[];
  /** Local find-links folders (absolute host paths) and index folders of file:// URLs. */
  localIndexDirs: string[];
  fingerprints: Fingerprints;
}

/** file:///opt/pypi/simple -> /opt/pypi (a simple index's links point at ../../files: mount its parent). */
export function localDirOf(location: string, root: string): string | undefined {
  if (/^https?:\/\//i.test(location)) return undefined;
  const filePath = location.startsWith("file://")
    ? decodeURIComponent(new URL(location).pathname)
    : path.resolve(root, location);
  return path.basename(filePath) === "simple" ? path.dirname(filePath) : filePath;
}

function listingOf(dir: string): string {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return `${dir}:missing`;
  return readdirSync(dir)
    .sort()
    .map((name) => {
      const stat = statSync(path.join(dir, name));
      return `${name}:${stat.size}:${stat.mtimeMs}`;
    })
    .join(",");
}

/** The host folders behind the index settings' local locations (file:// indexes, find-links folders). */
export function localIndexDirsOf(index: IndexSettings, root: string): string[] {
  const locations = [
    ...(index.indexUrl ? [index.indexUrl] : []),
    ...index.extraIndexUrls,
    ...index.findLinks,
  ];
  return [
    ...new Set(
      locations
        .map((location) => localDirOf(location, root))
        .filter((dir): dir is string => dir !== undefined),
    ),
  ];
}

/**
 * What is never part of the Python project's source: the wheelhouse with its lock, staging and
 * retired folders (outputs), and the images folder (the builder's identity covers its own folder).
 */
export function nonSourcePaths(project: LoadedProject): string[] {
  const relative = (dir: string) => path.relative(project.sourceDir, dir).split(path.sep).join("/");
  // With targets, the configured wheelhouse holds every target's: none of them is source.
  const wheelhouse = relative(outputDir(project));
  const dir = path.posix.dirname(wheelhouse);
  const skips = [wheelhouse, `${dir === "." ? "" : `${dir}/`}.${path.posix.basename(wheelhouse)}.*`];
  for (const images of imagesDirs(project).map(relative))
    if (images !== "" && !images.startsWith("..")) skips.push(images);
  // wheelwright's own config is not the Python project's (the values that decide wheels are fingerprinted).
  const config = relative(path.join(project.root, "wheelwright.toml"));
  if (!config.startsWith("..")) skips.push(config);
  return skips;
}

/**
 * pyproject.toml as the build sees it: without its [tool.wheelwright] table, whose keys are
 * wheelwright's own (those that decide the wheels, such as the index, are fingerprinted as values).
 */
export function pyprojectForBuild(text: string): string {
  const lines = text.split("\n");
  const kept: string[] = [];
  let inTable = false;
  for (const line of lines) {
    const header = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/.exec(line);
    if (header !== null) inTable = /^tool\.wheelwright(\.|$)/.test(header[1]!.replace(/["']/g, ""));
    if (!inTable) kept.push(line);
  }
  return kept.join("\n");
}

function requirementFilesOf(project: LoadedProject, request: BuildRequest): string[] {
  return request.requirements.map((file) => {
    const absolute = insideProject(project.root, file, "-r");
    if (!existsSync(absolute)) throw new InputError(`Requirements file ${file} does not exist`);
    const relative = path.relative(project.sourceDir, absolute);
    if (relative.startsWith(".."))
      throw new InputError(
        `Requirements file ${file} is outside the source folder ${project.config.source.value}`,
      );
    return relative.split(path.sep).join("/");
  });
}

const short = (value: unknown) => sha256Text(JSON.stringify(value)).slice(0, 16);

export function collectBuildInputs(options: {
  project: LoadedProject;
  request: BuildRequest;
  index: IndexSettings;
  builderId: string;
  sourceDateEpoch: number | undefined;
  toolVersion: string;
  /** Remembers file hashes by stat (an up-to-date check hashes only what changed). */
  hashes?: StatCache;
  /** The commit, when the project's version is read from git. */
  scmCommit?: string;
  /** The lock file (relative to the source): part of the dependency spec. */
  lockFile?: string;
}): BuildInputs {
  const { project, request, index } = options;
  const requirementFiles = requirementFilesOf(project, request);
  const tree = readSourceTree(project.sourceDir, nonSourcePaths(project), options.hashes);
  // pyproject.toml without wheelwright's own table: editing `test-command` rebuilds nothing.
  const pyproject = existsSync(path.join(project.sourceDir, "pyproject.toml"))
    ? sha256Text(pyprojectForBuild(readFileSync(path.join(project.sourceDir, "pyproject.toml"), "utf8")))
    : undefined;
  const files = tree.files.map((file) =>
    file.path === "pyproject.toml" && pyproject !== undefined ? { ...file, sha256: pyproject } : file,
  );
  const specNames = new Set([
    ...SPEC_FILES,
    ...requirementFiles,
    ...(options.lockFile === undefined ? [] : [options.lockFile]),
  ]);
  const localIndexDirs = localIndexDirsOf(index, project.root);
  // Each input on its own, so a rebuild can say which one changed. The dependency wheels depend
  // on all but the app's code, its commit time and the sets asked for (a set not built before is
  // a full build, in which the helper reuses every wheel it already has).
  const parts: FingerprintParts = {
    tool: options.toolVersion,
    builder: options.builderId,
    index: short(index),
    // A new sdist in a local find-links folder changes what the build may pick.
    localIndexes: short(localIndexDirs.map(listingOf)),
    spec: hashFiles(files.filter((file) => specNames.has(file.path))).slice(0, 16),
    source: hashFiles(files).slice(0, 16),
    sourceDateEpoch: String(options.sourceDateEpoch ?? "none"),
    // Normalised (PEP 685) so `build Test` and `build test` are the same inputs.
    sets: setLabels(request, requirementFiles).join(" "),
    ...(options.scmCommit === undefined ? {} : { scm: options.scmCommit }),
  };
  const dependencyParts = ["tool", "builder", "index", "localIndexes", "spec"] as const;
  return {
    tree,
    requirementFiles,
    localIndexDirs,
    fingerprints: {
      fingerprint: sha256Text(JSON.stringify(parts)),
      dependencyFingerprint: sha256Text(JSON.stringify(dependencyParts.map((key) => parts[key]))),
      parts,
    },
  };
}

/** The sets a request builds, as the manifest names them: `runtime`, `extra:test`, `group:dev`, `requirements:FILE`. */
export function setLabels(request: BuildRequest, requirementFiles: readonly string[]): string[] {
  return [
    "runtime",
    ...[...new Set(request.extras.map(normalizeName))].sort().map((e) => `extra:${e}`),
    ...[...new Set(request.groups.map(normalizeName))].sort().map((g) => `group:${g}`),
    ...requirementFiles.map((file) => `requirements:${file}`),
  ];
}
