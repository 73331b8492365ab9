// Fixture projects written with node:fs alone, named by the scenario they serve. The unit tier uses
// them as they are (git facts come from the guarded runner); the engine tiers add a real git
// repository on top (fixtures.ts).
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export interface ProjectSpec {
  /** Scenario name: also the folder and (unless `name` says otherwise) the project's name. */
  scenario: string;
  name?: string | null;
  dependencies?: string[];
  optional?: Record<string, string[]>;
  groups?: Record<string, string[]>;
  /** Replace pyproject.toml entirely (e.g. invalid TOML). */
  pyproject?: string;
  setupPy?: string;
  extraToolConfig?: string;
}

export interface ProjectPlace {
  /** Folder the project folder is made in. */
  parent?: string;
  namespace: string;
  /** find-links of the project's config (the test index). */
  findLinks: string;
  /** What docker/base and docker/builder are built FROM. */
  baseImage: string;
  builderImage: string;
}

/** The `[tool.wheelwright]` table every fixture shares: offline, host network, the given index. */
export function toolTable(place: Pick<ProjectPlace, "namespace" | "findLinks">, extra = ""): string {
  return `[tool.wheelwright]\nnamespace = "${place.namespace}"\nnetwork = "host"\npull = false\nindex-url = "file:///opt/pypi/simple"\nextra-index-urls = []\nfind-links = ["${place.findLinks}"]\n${extra}`;
}

/** Writes a project folder: its package, pyproject.toml (or the given one), setup.py, docker/base and docker/builder. */
export function writeProject(spec: ProjectSpec, place: ProjectPlace): string {
  const root = mkdtempSync(path.join(place.parent ?? tmpdir(), `wheelwright-${spec.scenario}-`));
  const name = spec.name === undefined ? spec.scenario : spec.name;
  const module = (name ?? "nameless").replace(/-/g, "_");
  mkdirSync(path.join(root, module));
  writeFileSync(path.join(root, module, "__init__.py"), `"""${spec.scenario}"""\nVALUE = 1\n`);
  const toml = (value: unknown) => JSON.stringify(value);
  const table = (entries: Record<string, string[]>) =>
    Object.entries(entries)
      .map(([k, v]) => `${k} = ${toml(v)}`)
      .join("\n");
  const groups = table(spec.groups ?? {});
  const pyproject =
    spec.pyproject ??
    `[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\n${name === null ? "" : `name = "${name}"\n`}version = "0.1.0"\ndependencies = ${toml(spec.dependencies ?? [])}\n\n[project.optional-dependencies]\n${table(spec.optional ?? {})}\n\n[tool.setuptools]\npackages = ["${module}"]\n\n${groups === "" ? "" : `[dependency-groups]\n${groups}\n\n`}${toolTable(place, spec.extraToolConfig)}`;
  writeFileSync(path.join(root, "pyproject.toml"), pyproject);
  if (spec.setupPy !== undefined) writeFileSync(path.join(root, "setup.py"), spec.setupPy);
  for (const [context, from] of [
    ["base", place.baseImage],
    ["builder", place.builderImage],
  ] as const) {
    mkdirSync(path.join(root, "docker", context), { recursive: true });
    writeFileSync(path.join(root, "docker", context, "Dockerfile"), `FROM ${from}\n`);
  }
  writeFileSync(path.join(root, ".gitignore"), "wheelhouse/\n");
  return root;
}
