// `wheelwright init`: reads the project (at --source, or the folder one level down that holds it),
// then scaffolds the config (with the index settings builds will use), docker/base, docker/builder,
// docker/release (with a CMD derived from the project) and a .dockerignore, and ignores the
// wheelhouse in .gitignore. Keeps the image folders the project already has; refuses to overwrite
// any other file unless forced.
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { deriveEntryPoint } from "../domain/entry-point.js";
import { closest } from "../domain/names.js";
import { readStaticMetadata, type StaticProjectMetadata } from "../domain/project-metadata.js";
import { readRequiresPython, requiresPythonWarning } from "../domain/requires-python.js";
import { DEFAULT_TARGET, KNOWN_TARGETS, scaffoldFiles, TARGET_PYTHON } from "../domain/scaffold.js";
import { InputError } from "../errors.js";
import { readEntryFacts } from "../project/entry-facts.js";
import { readHostPipSettings } from "../project/pip-config.js";
import type { WorkflowContext } from "./context.js";

/** The config's JSON schema as this package ships it (editors that read `#:schema` use it). */
const SCHEMA_PATH = fileURLToPath(new URL("../../schema/wheelwright.schema.json", import.meta.url));

export interface InitRequest {
  root: string;
  /** Config values given on the command line, written into wheelwright.toml. */
  config: Record<string, string | boolean | string[] | number>;
  force: boolean;
  /** `--target NAME` (repeatable): targets to declare, from KNOWN_TARGETS; none: no targets. */
  targets?: readonly string[];
  /** Where the config's JSON schema is (absolute): this package's own unless a test says otherwise. */
  schemaFile?: string;
}

export interface InitResult {
  written: string[];
  /** What init decided, for the summary (`source`, the CMD, the index). */
  notes: string[];
  /** What will go wrong with what it wrote (a target's Python outside requires-python). */
  warnings: string[];
}

/**
 * The `#:schema` reference for a config written at `root`: the schema's path relative to the config
 * when it lies inside the project (wheelwright installed in node_modules/), else none. The file is
 * committed, so it must not carry one machine's absolute path.
 */
export function schemaReference(root: string, schemaFile: string): string | undefined {
  const relative = path.relative(path.resolve(root), path.resolve(schemaFile));
  const outside = relative === ".." || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative);
  if (relative === "" || outside) return undefined;
  return relative.split(path.sep).join("/");
}

const PROJECT_FILES = ["pyproject.toml", "setup.py", "setup.cfg"];
const read = (file: string) => (existsSync(file) ? readFileSync(file, "utf8") : undefined);
const isProject = (dir: string) => PROJECT_FILES.some((file) => existsSync(path.join(dir, file)));

/** The source folder: --source, the root itself, or the one folder below it that holds a project. */
function findSource(root: string, configured: string | undefined): string {
  if (configured !== undefined) return configured;
  if (isProject(root)) return ".";
  const below = readdirSync(root).filter(
    (name) =>
      !name.startsWith(".") &&
      statSync(path.join(root, name)).isDirectory() &&
      isProject(path.join(root, name)),
  );
  if (below.length === 1) return below[0]!;
  throw new InputError(
    below.length === 0
      ? "Not a Python project: there is no setup.py, setup.cfg or pyproject.toml here or one folder down"
      : `More than one Python project one folder down: ${below.join(", ")}`,
    {
      hint:
        below.length === 0
          ? "wheelwright builds wheels, so the application needs Python packaging: add a pyproject.toml with a [project] table (name, version, dependencies) and a [build-system] table, then run `wheelwright init` again."
          : `Choose one: \`wheelwright init --source ${below[0]}\`.`,
    },
  );
}

const projectFiles = (sourceDir: string) => ({
  pyproject: read(path.join(sourceDir, "pyproject.toml")),
  setupCfg: read(path.join(sourceDir, "setup.cfg")),
  setupPy: read(path.join(sourceDir, "setup.py")),
});

function readMetadata(sourceDir: string): StaticProjectMetadata {
  return readStaticMetadata(projectFiles(sourceDir));
}

/** The warning for targets (or, with none, the default base image) whose Python the project refuses. */
function pythonWarnings(sourceDir: string, targets: readonly string[]): string[] {
  const withPython = (names: readonly string[]) =>
    names.flatMap((target) => {
      const python = TARGET_PYTHON[target];
      return python === undefined ? [] : [{ target, python }];
    });
  const checked = withPython(targets.length > 0 ? targets : [DEFAULT_TARGET]);
  const warning = requiresPythonWarning(
    readRequiresPython(projectFiles(sourceDir)),
    checked,
    withPython(Object.keys(KNOWN_TARGETS)),
  );
  return warning === undefined ? [] : [warning];
}

/**
 * The index settings builds will use, written down: the host's pip configuration unless given. A
 * mirror given only as an extra index (common behind a firewall) becomes the index, so pip does
 * not try the public index first for every package.
 */
function indexConfig(ctx: WorkflowContext, config: InitRequest["config"]) {
  const values: InitRequest["config"] = {};
  const notes: Record<string, string> = {};
  if (config["index-url"] !== undefined || config["extra-index-urls"] !== undefined) return { values, notes };
  const host = readHostPipSettings(ctx.env).settings;
  const extras = host.extraIndexUrls ?? [];
  if (host.indexUrl !== undefined) values["index-url"] = host.indexUrl;
  else if (extras.length > 0) {
    values["index-url"] = extras[0]!;
    notes["index-url"] =
      "from the host's pip config, whose only indexes are extra ones: the first is the index (builds never try pip's default index)";
  }
  const rest = host.indexUrl === undefined ? extras.slice(1) : extras;
  if (values["index-url"] !== undefined) values["extra-index-urls"] = rest;
  if (config["find-links"] === undefined && (host.findLinks ?? []).length > 0)
    values["find-links"] = host.findLinks!;
  return { values, notes };
}

/** Only targets init knows how to write: each names a Debian release (and with it a Python). */
function checkTargets(targets: readonly string[]): void {
  const known = Object.keys(KNOWN_TARGETS);
  const unknown = targets.filter((name) => !known.includes(name));
  if (unknown.length === 0) return;
  throw new InputError(`init knows no target ${unknown.join(", ")}`, {
    details: unknown.map((name) => {
      const suggestion = closest(name, known);
      return `${name}: not one of ${known.join(", ")}${suggestion === undefined ? "" : ` (did you mean '${suggestion}'?)`}`;
    }),
    hint: "Give known names to init, then add other targets as [[target]] tables in wheelwright.toml.",
  });
}

export async function initProject(ctx: WorkflowContext, request: InitRequest): Promise<InitResult> {
  const { root } = request;
  const targets = [...new Set(request.targets ?? [])];
  checkTargets(targets);
  const source = findSource(root, request.config.source as string | undefined);
  const sourceDir = path.resolve(root, source);
  const metadata = readMetadata(sourceDir);
  const name = (request.config.app as string | undefined) ?? metadata.name;
  if (name === undefined)
    throw new InputError("The project's name cannot be read without running its code", {
      hint: "Give it: `wheelwright init --app NAME`.",
    });
  if (metadata.toolTable !== undefined && !request.force) {
    throw new InputError("pyproject.toml already has a [tool.wheelwright] table", {
      hint: "The project is set up already. `--force` writes wheelwright.toml, which then takes precedence.",
    });
  }
  const index = indexConfig(ctx, request.config);
  const config: InitRequest["config"] = {
    ...(source === "." ? {} : { source }),
    ...index.values,
    ...request.config,
  };
  if (config.network === undefined) config.network = await networkFor(ctx);
  const entry = deriveEntryPoint(readEntryFacts(sourceDir, metadata));
  const files = scaffoldFiles({
    name,
    config,
    configNotes: index.notes,
    cmd: entry.cmd,
    cmdNote: entry.note,
    env: entry.env,
    schema: schemaReference(root, request.schemaFile ?? SCHEMA_PATH),
    targets,
  });
  const { write, kept } = filesToWrite(root, files, request.force);
  for (const file of write) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), files[file]!);
  }
  const ignored = ignoreWheelhouse(root);
  const warnings = pythonWarnings(sourceDir, targets);
  for (const message of warnings) ctx.emit({ type: "warning", message });
  return {
    warnings,
    written: [...write, ...(ignored ? [".gitignore"] : [])],
    notes: [
      ...kept.map((file) => `kept ${file} (the project's own image)`),
      ...(source === "." ? [] : [`the project is in ${source}/ (source = "${source}")`]),
      entry.cmd === undefined
        ? "the release image has no CMD yet: nothing in the project says how the application starts (no console script, no __main__, no web app found); set CMD in docker/release/Dockerfile"
        : `the release starts it with ${JSON.stringify(entry.cmd)} (${entry.note.split(":")[0]})`,
    ],
  };
}

/**
 * Which scaffolded files to write. An image folder's Dockerfile the project already has (a team's
 * own base image, the seed's builder) is kept and the rest is written around it; any other file
 * that exists (the config above all: the project is set up already) stops init, unless forced.
 */
function filesToWrite(
  root: string,
  files: Record<string, string>,
  force: boolean,
): { write: string[]; kept: string[] } {
  const all = Object.keys(files);
  if (force) return { write: all, kept: [] };
  const existing = all.filter((file) => existsSync(path.join(root, file)));
  const isImage = (file: string) => file.endsWith("/Dockerfile");
  if (existing.some((file) => !isImage(file))) {
    throw new InputError(
      `Not overwriting existing file${existing.length > 1 ? "s" : ""}: ${existing.join(", ")}`,
      {
        hint: "Move them away, or run `wheelwright init --force` to replace them.",
      },
    );
  }
  return { write: all.filter((file) => !existing.includes(file)), kept: existing };
}

/** Adds the wheelhouse and its lock and staging siblings to .gitignore (a build must not make the tree dirty). */
function ignoreWheelhouse(root: string): boolean {
  const file = path.join(root, ".gitignore");
  const text = read(file) ?? "";
  const lines = text.split(/\r?\n/);
  const missing = ["wheelhouse/", ".wheelhouse.*"].filter((entry) => !lines.includes(entry));
  if (missing.length === 0) return false;
  appendFileSync(
    file,
    `${text === "" || text.endsWith("\n") ? "" : "\n"}# wheelwright's outputs\n${missing.join("\n")}\n`,
  );
  return true;
}

/** `host` where the engine has no default bridge (as on machines started with --bridge=none), else the engine's default. */
async function networkFor(ctx: WorkflowContext): Promise<string> {
  const detection = await ctx.detectEngine("auto");
  if (detection.kind !== "container") return "default";
  return (await detection.engine.hasDefaultNetwork()) ? "default" : "host";
}
