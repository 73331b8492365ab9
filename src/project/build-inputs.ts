// Everything a wheelhouse build depends on, collected from disk once, and its two fingerprints:
// all inputs (equal: up to date) and all but the application's own code (equal: reuse the deps).
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import type { LoadedProject } from "../config/load.js";
import { insideProject } from "../config/load.js";
import type { IndexSettings } from "../domain/index-settings.js";
import { normalizeName } from "../domain/names.js";
import { InputError } from "../errors.js";

import type { Fingerprints } from "../plan/build-plan.js";
import { hashFiles, readSourceTree, type SourceTree, SPEC_FILES, sha256Text } from "./source-tree.js";

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
  const wheelhouse = relative(project.wheelhouseDir);
  const dir = path.posix.dirname(wheelhouse);
  const skips = [wheelhouse, `${dir === "." ? "" : `${dir}/`}.${path.posix.basename(wheelhouse)}.*`];
  const images = relative(project.imagesDir);
  if (images !== "" && !images.startsWith("..")) skips.push(images);
  return skips;
}

export function collectBuildInputs(options: {
  project: LoadedProject;
  request: BuildRequest;
  index: IndexSettings;
  builderId: string;
  sourceDateEpoch: number | undefined;
  toolVersion: string;
}): BuildInputs {
  const { project, request, index } = options;
  const requirementFiles = request.requirements.map((file) => {
    const absolute = insideProject(project.root, file, "-r");
    if (!existsSync(absolute)) throw new InputError(`Requirements file ${file} does not exist`);
    const relative = path.relative(project.sourceDir, absolute);
    if (relative.startsWith(".."))
      throw new InputError(
        `Requirements file ${file} is outside the source folder ${project.config.source.value}`,
      );
    return relative.split(path.sep).join("/");
  });
  const tree = readSourceTree(project.sourceDir, nonSourcePaths(project));
  const localIndexDirs = localIndexDirsOf(index, project.root);

  const specNames = new Set([...SPEC_FILES, ...requirementFiles]);
  const specFiles = tree.files.filter((file) => specNames.has(file.path));
  const common = JSON.stringify({
    tool: options.toolVersion,
    builder: options.builderId,
    index,
    // A new sdist in a local find-links folder changes what the build may pick.
    localIndexes: localIndexDirs.map(listingOf),
    // Normalised (PEP 685) so `build Test` and `build test` are the same inputs.
    extras: [...new Set(request.extras.map(normalizeName))].sort(),
    groups: [...new Set(request.groups.map(normalizeName))].sort(),
    requirements: requirementFiles,
    sourceDateEpoch: options.sourceDateEpoch ?? null,
  });
  return {
    tree,
    requirementFiles,
    localIndexDirs,
    fingerprints: {
      fingerprint: sha256Text(`${common}\n${hashFiles(tree.files)}`),
      dependencyFingerprint: sha256Text(`${common}\n${hashFiles(specFiles)}`),
    },
  };
}
