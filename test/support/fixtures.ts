// Real Python projects and a real local package index for the engine tiers, named by the scenario
// they serve. The index holds sdists the builder must build: pure ones, one with a C extension, one
// whose build fails, one whose build hangs (for signal tests). Projects live under the test run's
// folder and use its namespace, so the run's teardown finds everything they made.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execaSync } from "execa";
import { REPO_ROOT } from "./cli.js";
import { type ProjectSpec, writeProject } from "./project-files.js";
import { testRun } from "./test-run.js";

export type { ProjectSpec } from "./project-files.js";

const INDEX_VERSION = "4";

/** Commits made by fixtures need an identity (the machine may have none) and a fixed date: the
 * same content then gives the same commit, so copies of one project share images and stored sets. */
export const GIT_IDENTITY = {
  GIT_AUTHOR_NAME: "t",
  GIT_AUTHOR_EMAIL: "t@t",
  GIT_COMMITTER_NAME: "t",
  GIT_COMMITTER_EMAIL: "t@t",
  GIT_AUTHOR_DATE: "2026-01-01T00:00:00Z",
  GIT_COMMITTER_DATE: "2026-01-01T00:00:00Z",
};
export const GIT_ENV = { ...process.env, ...GIT_IDENTITY };

export function git(root: string, ...args: string[]): string {
  return String(execaSync("git", args, { cwd: root, env: GIT_ENV }).stdout).trim();
}

/** `git add -A && git commit`: the project's state becomes a commit. */
export function commitAll(root: string, message: string): void {
  git(root, "add", "-A");
  git(root, "commit", "-qm", message);
}

/** The file zslow's setup.py makes, in the builder container, before it hangs. */
export const ZSLOW_MARK = "/tmp/zslow-hangs";

interface SdistSpec {
  name: string;
  version: string;
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
  // Hangs while pip prepares its metadata, so a signal test can catch the build mid-way. It leaves
  // a mark in the builder's /tmp first (pip hides its output), for the test to wait on.
  {
    name: "zslow",
    version: "1.0",
    prelude: `import pathlib, time\npathlib.Path("${ZSLOW_MARK}").touch()\ntime.sleep(600)\n`,
  },
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

/**
 * A find-links folder of sdists, made once per machine (cached by INDEX_VERSION): read-only to the
 * tests, and made of host files only, so it is not part of a run's clean-up.
 */
export function makeLocalIndex(): string {
  const dir = path.join(tmpdir(), `wheelwright-test-index-v${INDEX_VERSION}`);
  if (existsSync(path.join(dir, ".complete"))) return dir;
  rmSync(dir, { recursive: true, force: true });
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
    if (spec.prelude !== undefined) injectPrelude(dir, spec, work);
  }
  rmSync(work, { recursive: true, force: true });
  writeFileSync(path.join(dir, ".complete"), "");
  return dir;
}

/** Puts the prelude back into the sdist's setup.py (tar round trip with the host's tar). */
function injectPrelude(dir: string, spec: SdistSpec, work: string): void {
  const archive = path.join(dir, `${spec.name}-${spec.version}.tar.gz`);
  const unpack = mkdtempSync(path.join(work, "prelude-"));
  execaSync("tar", ["-xzf", archive, "-C", unpack]);
  writeSdistSource(path.join(unpack, `${spec.name}-${spec.version}`), spec);
  execaSync("tar", ["-czf", archive, "-C", unpack, `${spec.name}-${spec.version}`]);
}

export interface EngineProjectSpec extends ProjectSpec {
  git?: "commit" | "unborn" | "none";
}

/** A fixture project in the run's folder and namespace, FROM the run's test images, committed to git. */
export function makeProject(spec: EngineProjectSpec, index = makeLocalIndex()): string {
  const run = testRun();
  const root = writeProject(spec, {
    parent: run.tempRoot,
    namespace: run.namespace,
    findLinks: index,
    baseImage: run.baseImage,
    builderImage: run.builderImage,
  });
  const state = spec.git ?? "commit";
  if (state !== "none") {
    git(root, "init", "-q", "-b", "main");
    if (state === "commit") commitAll(root, "fixture");
  }
  return root;
}

/** The project id (`<namespace>/<app>`) a fixture's images and containers are labelled with. */
export function projectOf(app: string): string {
  return `${testRun().namespace}/${app}`;
}

/**
 * The example's `[[tool.wheelwright.target]]` tables (and the comment above them), which end its
 * pyproject.toml: a copy without them builds one wheelhouse on bookworm, as before targets.
 */
export const POLLS_TARGETS = /\n(#[^\n]*\n)*\[\[tool\.wheelwright\.target\]\][\s\S]*$/;

/**
 * Copies the polls example into a fresh git repository under the run's namespace (so tests never
 * write into the checkout, and the teardown finds its images). Every copy is the same commit with
 * the same file times. Without `targets` the copy declares none (one wheelhouse, bookworm's images,
 * tags without a suffix): every test but the targets test stays on one interpreter, so the suite
 * builds trixie's images once.
 */
export function copyPolls(options: { targets?: boolean } = {}): string {
  const root = mkdtempSync(path.join(testRun().tempRoot, "polls-"));
  cpSync(path.join(REPO_ROOT, "examples", "polls"), root, {
    recursive: true,
    // Same files, same times: the build's inputs (its find-links folder's listing among them) are
    // the same for every copy, so a copy's wheelhouse may come from the file's result store.
    preserveTimestamps: true,
    filter: (source) => !/\/(wheelhouse|\.wheelhouse\.[^/]*|build|[^/]*\.egg-info|__pycache__)$/.test(source),
  });
  const pyproject = path.join(root, "pyproject.toml");
  const text = readFileSync(pyproject, "utf8").replace(
    /^namespace = ".*"$/m,
    `namespace = "${testRun().namespace}"`,
  );
  writeFileSync(pyproject, options.targets === true ? text : text.replace(POLLS_TARGETS, "\n"));
  writeFileSync(path.join(root, ".gitignore"), "wheelhouse/\n");
  git(root, "init", "-q", "-b", "main");
  commitAll(root, "polls");
  return root;
}
