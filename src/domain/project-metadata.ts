// Reads a Python project's name and declared extras from its files' text without running any code.
// setup.py is read with patterns (good for the common literal `name="..."`); the builder later
// confirms the real metadata by building it.
import { parse as parseToml } from "smol-toml";
import { InputError } from "../errors.js";
import { normalizeName } from "./names.js";
import { setupCfgExtras, setupPyExtras } from "./setuptools-extras.js";

export interface ProjectFiles {
  pyproject: string | undefined;
  setupCfg: string | undefined;
  setupPy: string | undefined;
}

export interface StaticProjectMetadata {
  name: string | undefined;
  /** Where the name was read, e.g. `pyproject.toml [project] name`. */
  nameSource: string | undefined;
  version: string | undefined;
  /** The `[tool.wheelwright]` table, if pyproject.toml has one. */
  toolTable: Record<string, unknown> | undefined;
  /**
   * Declared extras when they can be read as text ([project] without dynamic optional-dependencies,
   * `[tool.poetry.extras]`, setup.cfg's `[options.extras_require]`, setup.py's `extras_require=`), else undefined.
   */
  extras: string[] | undefined;
  /** PEP 735 dependency groups declared in pyproject.toml. */
  groups: string[];
  /** True when pyproject.toml has a [project] table (PEP 621), which must then name the project. */
  hasProjectTable: boolean;
  /** `[project] dependencies` when static (not dynamic): the helper starts resolving them early. */
  dependencies: string[] | undefined;
}

type Table = Record<string, unknown>;

function isTable(value: unknown): value is Table {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function parseTomlFile(text: string, file: string): Table {
  try {
    return parseToml(text) as Table;
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new InputError(`${file} is not valid TOML: ${message}`, {
      hint: `Fix the syntax of ${file}; \`python3 -c "import tomllib; tomllib.load(open('${file}','rb'))"\` shows the same error.`,
    });
  }
}

/** `[section] key = value` lines of an INI file (setup.cfg), without interpolation. */
export function iniValue(text: string, section: string, key: string): string | undefined {
  let inSection = false;
  for (const line of text.split(/\r?\n/)) {
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (header) {
      inSection = header[1]?.trim() === section;
      continue;
    }
    if (!inSection) continue;
    const match = /^\s*([A-Za-z0-9_.-]+)\s*[=:]\s*(.*?)\s*$/.exec(line);
    if (match && match[1]?.replace(/-/g, "_") === key) return match[2];
  }
  return undefined;
}

export function setupPyLiteral(text: string, key: string): string | undefined {
  const match = new RegExp(`\\b${key}\\s*=\\s*(['"])([^'"]+)\\1`).exec(text);
  return match?.[2];
}

/** poetry's groups (`[tool.poetry.group.<name>]`, and the older `dev-dependencies` as `dev`). */
function poetryGroups(tool: Table | undefined): string[] {
  const poetry = tool !== undefined && isTable(tool.poetry) ? tool.poetry : undefined;
  if (poetry === undefined) return [];
  const named = isTable(poetry.group) ? Object.keys(poetry.group) : [];
  return isTable(poetry["dev-dependencies"]) ? [...named, "dev"] : named;
}

type Facts = Pick<
  StaticProjectMetadata,
  "toolTable" | "groups" | "extras" | "hasProjectTable" | "dependencies"
>;
type Named = Pick<StaticProjectMetadata, "name" | "nameSource" | "version">;

/** What pyproject.toml says (its tables, extras and groups) and the name it declares, if any. */
function readPyproject(text: string): { facts: Facts; named: Named | undefined } {
  const document = parseTomlFile(text, "pyproject.toml");
  const tool = isTable(document.tool) ? document.tool : undefined;
  const pep735 = isTable(document["dependency-groups"]) ? Object.keys(document["dependency-groups"]) : [];
  const groups = [...new Set([...pep735, ...poetryGroups(tool)].map(normalizeName))];
  const toolTable = tool !== undefined && isTable(tool.wheelwright) ? tool.wheelwright : undefined;
  const project = isTable(document.project) ? document.project : undefined;
  let extras: string[] | undefined;
  let dependencies: string[] | undefined;
  if (project !== undefined) {
    const dynamic = Array.isArray(project.dynamic) ? project.dynamic : [];
    const declared = Array.isArray(project.dependencies) ? project.dependencies : [];
    if (!dynamic.includes("dependencies"))
      dependencies = declared.filter((d): d is string => typeof d === "string");
    const optional = isTable(project["optional-dependencies"]) ? project["optional-dependencies"] : {};
    extras = dynamic.includes("optional-dependencies") ? undefined : Object.keys(optional).map(normalizeName);
  } else if (tool !== undefined && isTable(tool.poetry) && isTable(tool.poetry.dependencies)) {
    // poetry-core writes Provides-Extra from [tool.poetry.extras].
    extras = Object.keys(isTable(tool.poetry.extras) ? tool.poetry.extras : {}).map(normalizeName);
  }
  const facts = { toolTable, groups, extras, hasProjectTable: project !== undefined, dependencies };
  const poetry = tool !== undefined && isTable(tool.poetry) ? tool.poetry : undefined;
  for (const [table, source] of [
    [project, "pyproject.toml [project] name"],
    [poetry, "pyproject.toml [tool.poetry] name"],
  ] as const) {
    if (table !== undefined && typeof table.name === "string") {
      const version = typeof table.version === "string" ? table.version : undefined;
      return { facts, named: { name: table.name, nameSource: source, version } };
    }
  }
  return { facts, named: undefined };
}

/** setuptools' extras from setup.cfg and setup.py together; undefined when either cannot be read. */
function setuptoolsExtras(files: ProjectFiles): string[] | undefined {
  if (files.setupCfg === undefined && files.setupPy === undefined) return undefined;
  const fromCfg = files.setupCfg === undefined ? [] : (setupCfgExtras(files.setupCfg) ?? []);
  const fromPy = files.setupPy === undefined ? [] : setupPyExtras(files.setupPy);
  return fromPy === undefined ? undefined : [...new Set([...fromCfg, ...fromPy])];
}

export function readStaticMetadata(files: ProjectFiles): StaticProjectMetadata {
  if (files.pyproject === undefined && files.setupCfg === undefined && files.setupPy === undefined) {
    throw new InputError("Not a Python project: there is neither a setup.py nor a pyproject.toml", {
      hint: "Run wheelwright in the project's root folder, or set `source` to the folder that holds the project.",
    });
  }
  const fromPyproject = files.pyproject === undefined ? undefined : readPyproject(files.pyproject);
  const read: Facts = fromPyproject?.facts ?? {
    toolTable: undefined,
    groups: [],
    extras: undefined,
    hasProjectTable: false,
    dependencies: undefined,
  };
  const facts: Facts =
    read.extras === undefined && !read.hasProjectTable ? { ...read, extras: setuptoolsExtras(files) } : read;
  if (fromPyproject?.named !== undefined) return { ...fromPyproject.named, ...facts };
  const cfgName = files.setupCfg === undefined ? undefined : iniValue(files.setupCfg, "metadata", "name");
  if (files.setupCfg !== undefined && cfgName !== undefined && cfgName !== "") {
    return {
      name: cfgName,
      nameSource: "setup.cfg [metadata] name",
      version: iniValue(files.setupCfg, "metadata", "version"),
      ...facts,
    };
  }
  const pyName = files.setupPy === undefined ? undefined : setupPyLiteral(files.setupPy, "name");
  if (files.setupPy !== undefined && pyName !== undefined) {
    return {
      name: pyName,
      nameSource: "setup.py name=",
      version: setupPyLiteral(files.setupPy, "version"),
      ...facts,
    };
  }
  return { name: undefined, nameSource: undefined, version: undefined, ...facts };
}
