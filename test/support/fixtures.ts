// Real Python projects and a real local package index, made by the tests themselves, named by the
// scenario they serve. The index holds sdists the builder must build: pure ones, one with a C
// extension, one whose build fails, one whose build hangs (for signal tests).

import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execaSync } from "execa";
import { TEST_BASE, TEST_BUILDER } from "./engine.js";

const INDEX_VERSION = "3";

/** Commits made by fixtures need an identity; the machine may have none. */
export const GIT_IDENTITY = {
  GIT_AUTHOR_NAME: "t",
  GIT_AUTHOR_EMAIL: "t@t",
  GIT_COMMITTER_NAME: "t",
  GIT_COMMITTER_EMAIL: "t@t",
};
export const GIT_ENV = { ...process.env, ...GIT_IDENTITY };

interface SdistSpec {
  name: string;
  version: string;
  setupExtra?: string;
  ext?: string;
  prelude?: string;
  requires?: string[];
}

const SDISTS: SdistSpec[] = [
  { name: "tinydep", version: "1.0" },
  { name: "tinydep", version: "2.0" },
  { name: "tinyextra", version: "1.0", requires: ["tinydep>=1"] },
  {
    name: "cext",
    version: "1.0",
    ext: `#include <Python.h>
static PyObject *answer(PyObject *s, PyObject *a) { return PyLong_FromLong(42); }
static PyMethodDef m[] = {{"answer", answer, METH_NOARGS, ""}, {0}};
static struct PyModuleDef d = {PyModuleDef_HEAD_INIT, "cext", 0, -1, m};
PyMODINIT_FUNC PyInit_cext(void) { return PyModule_Create(&d); }
`,
  },
  // Fails in the compiler, after the others were built (its name sorts last among the deps).
  { name: "zbroken", version: "1.0", ext: "#include <Python.h>\nthis is not C; /* BROKEN-MARKER */\n" },
  // Hangs while pip prepares its metadata, so a signal test can catch the build mid-way.
  { name: "zslow", version: "1.0", prelude: "import time\ntime.sleep(600)\n" },
];

function writeSdistSource(dir: string, spec: SdistSpec): void {
  mkdirSync(dir, { recursive: true });
  const ext = spec.ext === undefined ? "" : `ext_modules=[Extension("${spec.name}", ["${spec.name}.c"])],`;
  const modules = spec.ext === undefined ? `py_modules=["${spec.name}"],` : "";
  if (spec.ext !== undefined) writeFileSync(path.join(dir, `${spec.name}.c`), spec.ext);
  else writeFileSync(path.join(dir, `${spec.name}.py`), `VERSION = "${spec.version}"\n`);
  writeFileSync(
    path.join(dir, "setup.py"),
    `${spec.prelude ?? ""}from setuptools import Extension, setup\nsetup(name="${spec.name}", version="${spec.version}", ${modules} ${ext} install_requires=${JSON.stringify(spec.requires ?? [])})\n`,
  );
  writeFileSync(
    path.join(dir, "pyproject.toml"),
    `[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n`,
  );
  if (spec.ext !== undefined) writeFileSync(path.join(dir, "MANIFEST.in"), `include ${spec.name}.c\n`);
}

/** A find-links folder of sdists, made once per machine (cached by INDEX_VERSION). */
export function makeLocalIndex(): string {
  const dir = path.join(tmpdir(), `wheelwright-test-index-v${INDEX_VERSION}`);
  if (existsSync(path.join(dir, ".complete"))) return dir;
  mkdirSync(dir, { recursive: true });
  const work = mkdtempSync(path.join(tmpdir(), "wheelwright-sdists-"));
  for (const spec of SDISTS) {
    const source = path.join(work, `${spec.name}-${spec.version}`);
    // The prelude must not run here: write the sdist from a copy of setup.py without it.
    writeSdistSource(source, { ...spec, prelude: undefined });
    execaSync("python3", ["setup.py", "-q", "sdist", "-d", dir], {
      cwd: source,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" },
    });
    if (spec.prelude !== undefined) injectPrelude(dir, spec);
  }
  writeFileSync(path.join(dir, ".complete"), "");
  return dir;
}

/** Puts the prelude back into the sdist's setup.py (tar round trip with the host's tar). */
function injectPrelude(dir: string, spec: SdistSpec): void {
  const archive = path.join(dir, `${spec.name}-${spec.version}.tar.gz`);
  const unpack = mkdtempSync(path.join(tmpdir(), "wheelwright-prelude-"));
  execaSync("tar", ["-xzf", archive, "-C", unpack]);
  writeSdistSource(path.join(unpack, `${spec.name}-${spec.version}`), spec);
  execaSync("tar", ["-czf", archive, "-C", unpack, `${spec.name}-${spec.version}`]);
}

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
  git?: "commit" | "unborn" | "none";
}

export function makeProject(spec: ProjectSpec, index = makeLocalIndex()): string {
  const root = mkdtempSync(path.join(tmpdir(), `wheelwright-${spec.scenario}-`));
  const name = spec.name === undefined ? spec.scenario : spec.name;
  const module = (name ?? "nameless").replace(/-/g, "_");
  mkdirSync(path.join(root, module));
  writeFileSync(path.join(root, module, "__init__.py"), `"""${spec.scenario}"""\nVALUE = 1\n`);
  const tool = `[tool.wheelwright]\nnamespace = "wwtest"\nnetwork = "host"\npull = false\nindex-url = "file:///opt/pypi/simple"\nextra-index-urls = []\nfind-links = ["${index}"]\n${spec.extraToolConfig ?? ""}`;
  const toml = (value: unknown) => JSON.stringify(value);
  const optional = Object.entries(spec.optional ?? {})
    .map(([k, v]) => `${k} = ${toml(v)}`)
    .join("\n");
  const groups = Object.entries(spec.groups ?? {})
    .map(([k, v]) => `${k} = ${toml(v)}`)
    .join("\n");
  const pyproject =
    spec.pyproject ??
    `[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\n${name === null ? "" : `name = "${name}"\n`}version = "0.1.0"\ndependencies = ${toml(spec.dependencies ?? [])}\n\n[project.optional-dependencies]\n${optional}\n\n[tool.setuptools]\npackages = ["${module}"]\n\n${groups === "" ? "" : `[dependency-groups]\n${groups}\n\n`}${tool}`;
  writeFileSync(path.join(root, "pyproject.toml"), pyproject);
  if (spec.setupPy !== undefined) writeFileSync(path.join(root, "setup.py"), spec.setupPy);
  for (const [context, from] of [
    ["base", TEST_BASE],
    ["builder", TEST_BUILDER],
  ] as const) {
    mkdirSync(path.join(root, "docker", context), { recursive: true });
    writeFileSync(path.join(root, "docker", context, "Dockerfile"), `FROM ${from}\n`);
  }
  writeFileSync(path.join(root, ".gitignore"), "wheelhouse/\n");
  const git = spec.git ?? "commit";
  if (git !== "none") {
    const env = GIT_ENV;
    execaSync("git", ["init", "-q", "-b", "main"], { cwd: root, env });
    if (git === "commit") {
      execaSync("git", ["add", "-A"], { cwd: root, env });
      execaSync("git", ["commit", "-qm", "fixture"], { cwd: root, env });
    }
  }
  return root;
}

/** Copies the polls example into a fresh git repository (so tests never write into the checkout). */
export function copyPolls(): string {
  const root = mkdtempSync(path.join(tmpdir(), "wheelwright-polls-"));
  execaSync("cp", ["-r", `${path.resolve(import.meta.dirname, "../../examples/polls")}/.`, root]);
  execaSync("rm", ["-rf", path.join(root, "wheelhouse")]);
  const env = GIT_ENV;
  execaSync("git", ["init", "-q", "-b", "main"], { cwd: root, env });
  writeFileSync(path.join(root, ".gitignore"), "wheelhouse/\n");
  execaSync("git", ["add", "-A"], { cwd: root, env });
  execaSync("git", ["commit", "-qm", "polls"], { cwd: root, env });
  return root;
}
