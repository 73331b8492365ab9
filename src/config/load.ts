// Effects at the edge of config: read the project's files, then hand their text to the pure resolver.
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { parseTomlFile, readStaticMetadata, type StaticProjectMetadata } from "../domain/project-metadata.js";
import { InputError } from "../errors.js";
import { rawSetting, resolveProjectConfig } from "./resolve.js";
import type { ConfigKey, ResolvedConfig } from "./schema.js";
import type { TargetConfig } from "./targets.js";

/** A target with its folders resolved: its wheelhouse is `<wheelhouse>/<name>/`. */
export interface LoadedTarget extends TargetConfig {
  imagesDir: string;
  wheelhouseDir: string;
}

export interface LoadedProject {
  /** The folder holding the config (pyproject.toml or wheelwright.toml): every configured path is relative to it. */
  root: string;
  config: ResolvedConfig;
  /** The Python project's folder (root + source). */
  sourceDir: string;
  imagesDir: string;
  wheelhouseDir: string;
  metadata: StaticProjectMetadata;
  /** Every configured target (empty: one wheelhouse and one set of images, as before targets). */
  targets: readonly LoadedTarget[];
  /**
   * The target this view of the project builds for (config/target-view.ts makes one view per
   * target, with this target's wheelhouse and images folders); undefined without targets.
   */
  target?: LoadedTarget;
}

export interface LoadOptions {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  flags: Partial<Record<ConfigKey, unknown>>;
}

function readIfExists(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, "utf8") : undefined;
}

/** A configured path must stay inside the project: no absolute path, no `..`, no symlink out. */
export function insideProject(root: string, relative: string, key: string): string {
  if (path.isAbsolute(relative)) {
    throw new InputError(`${key}: '${relative}' is an absolute path; it must be relative to ${root}`);
  }
  const resolved = path.resolve(root, relative);
  const realRoot = realpathSync(root);
  let real = resolved;
  // Resolve symlinks of the longest part that exists, so a link pointing outside is caught.
  let probe = resolved;
  while (!existsSync(probe) && probe !== path.dirname(probe)) probe = path.dirname(probe);
  real = path.join(realpathSync(probe), path.relative(probe, resolved));
  const fromRoot = path.relative(realRoot, real);
  if (fromRoot.startsWith("..") || path.isAbsolute(fromRoot)) {
    throw new InputError(`${key}: '${relative}' points outside the project (${real})`, {
      hint: "Configured folders must lie inside the project folder.",
    });
  }
  return resolved;
}

export function loadProject(options: LoadOptions): LoadedProject {
  const root = path.resolve(options.cwd);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new InputError(`No such project folder: ${root}`);
  }
  const wheelwrightToml = readIfExists(path.join(root, "wheelwright.toml"));
  const fileTableFromOwnFile =
    wheelwrightToml === undefined ? undefined : parseTomlFile(wheelwrightToml, "wheelwright.toml");

  // The source folder may come from the file itself, so read the root's pyproject first.
  const rootPyproject = readIfExists(path.join(root, "pyproject.toml"));
  const rootToolTable =
    rootPyproject === undefined
      ? undefined
      : readStaticMetadata({ pyproject: rootPyproject, setupCfg: undefined, setupPy: undefined }).toolTable;
  const fileTable = fileTableFromOwnFile ?? rootToolTable;
  const fileLabel =
    fileTableFromOwnFile !== undefined ? "wheelwright.toml" : "pyproject.toml [tool.wheelwright]";

  const sourceRelative = String(
    rawSetting("source", { flags: options.flags, env: options.env, fileTable, fileLabel }),
  );
  const sourceDir = insideProject(root, sourceRelative, "source");
  const metadata = readStaticMetadata({
    pyproject: readIfExists(path.join(sourceDir, "pyproject.toml")),
    setupCfg: readIfExists(path.join(sourceDir, "setup.cfg")),
    setupPy: readIfExists(path.join(sourceDir, "setup.py")),
  });
  const { config, targets: declared } = resolveProjectConfig({
    fileTable,
    fileLabel,
    env: options.env,
    flags: options.flags,
    projectName:
      metadata.name === undefined
        ? undefined
        : { value: metadata.name, detail: metadata.nameSource ?? "project" },
  });
  const imagesDir = insideProject(root, config.images.value, "images");
  const wheelhouseDir = insideProject(root, config.wheelhouse.value, "wheelhouse");
  const targets = declared.map(
    (target): LoadedTarget => ({
      ...target,
      imagesDir:
        target.images === undefined
          ? imagesDir
          : insideProject(root, target.images, `target ${target.name}: images`),
      wheelhouseDir: path.join(wheelhouseDir, target.name),
    }),
  );
  checkWheelhouseLocation({
    root,
    sourceDir,
    imagesDirs: [imagesDir, ...targets.map((target) => target.imagesDir)],
    wheelhouseDir,
    targetNames: targets.map((target) => target.name),
    label: config.wheelhouse.value,
  });
  return { root, config, sourceDir, imagesDir, wheelhouseDir, metadata, targets };
}

/** Files wheelwright writes into a wheelhouse besides the wheels (anything else there is the user's). */
const WHEELHOUSE_OWN = /^(manifest\.json|requirements\.txt|sbom\.cdx\.json|pylock\.toml|.+\.whl)$/;

/** What a target's build leaves in the shared wheelhouse: its folder, its lock, staging and retired folders. */
function targetEntry(name: string, targetNames: readonly string[]): boolean {
  return targetNames.some(
    (target) =>
      name === target ||
      name === `.${target}.lock` ||
      name.startsWith(`.${target}.staging-`) ||
      name.startsWith(`.${target}.old-`),
  );
}

/** The entries of `dir` wheelwright did not write (none when it is not a folder). */
function foreignEntries(dir: string, targetNames: readonly string[]): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir).filter((name) => !WHEELHOUSE_OWN.test(name) && !targetEntry(name, targetNames));
}

/**
 * The wheelhouse is replaced as a whole by every build and emptied by `clean`, so it must be a
 * folder of its own: a strict subfolder of the project holding neither the source, the images
 * folder, .git nor the config, and none of the user's files.
 */
function checkWheelhouseLocation(where: {
  root: string;
  sourceDir: string;
  imagesDirs: readonly string[];
  wheelhouseDir: string;
  /** With targets, each target's folder (and its lock and staging folders) lies in the wheelhouse. */
  targetNames: readonly string[];
  label: string;
}): void {
  const holds = (inner: string) => {
    const relative = path.relative(where.wheelhouseDir, inner);
    return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
  };
  const held = [
    holds(where.root) ? "the project folder itself (its config and .git)" : undefined,
    holds(where.sourceDir) ? "the Python project's source" : undefined,
    where.imagesDirs.some(holds) ? "the images folder" : undefined,
  ].filter((what): what is string => what !== undefined);
  const foreign = [
    ...foreignEntries(where.wheelhouseDir, where.targetNames),
    ...where.targetNames.flatMap((name) =>
      foreignEntries(path.join(where.wheelhouseDir, name), []).map((entry) => `${name}/${entry}`),
    ),
  ];
  if (held.length === 0 && foreign.length === 0) return;
  throw new InputError(
    held.length > 0
      ? `wheelhouse: '${where.label}' would hold ${held.join(" and ")}; builds replace it and \`clean\` empties it`
      : `wheelhouse: '${where.label}' already holds files wheelwright did not write (${foreign.slice(0, 3).join(", ")}${foreign.length > 3 ? ", ..." : ""}); builds replace the whole folder`,
    {
      hint: 'Set `wheelhouse` to a folder of its own, e.g. `wheelhouse = "wheelhouse"` (the default), or move those files out.',
    },
  );
}
