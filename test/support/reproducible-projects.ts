// Fixture projects for the reproducibility tests (issue 16), named by what their build compiles or
// packs: each is a real setuptools project in the run's namespace, committed to git, FROM the run's
// builder image (the C++ one adds Debian's g++ on top of it: the run's builder has gcc only). One
// more, `time-embedding`, writes the build's wall-clock time into a module and so can never be
// reproducible: the check must catch it and name the member.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { commitAll, makeLocalIndex, makeProject } from "./fixtures.js";
import { toolTable } from "./project-files.js";
import { testRun } from "./test-run.js";

export interface ReproducibleFixture {
  /** Scenario, project name and image name in one. */
  scenario: string;
  /** The wheels the set holds (project names, normalised), the app's first. */
  wheels: string[];
  /** True when the app's own wheel holds compiled code (a platform tag, not py3-none-any). */
  compiled: boolean;
}

interface FixtureFiles {
  dependencies?: string[];
  /** Extra [project] / [tool.setuptools] lines. */
  pyprojectExtra?: string;
  setupPy: string;
  files: Record<string, string>;
  /** Lines added to docker/builder/Dockerfile after its FROM. */
  builderLines?: string[];
}

const PY_INIT = (scenario: string) => `"""${scenario}"""\n`;

/** A small C module over the CPython API exposing one function `name` that returns `body`. */
function cModule(module: string, fn: string, body: string, prelude = ""): string {
  return `#define PY_SSIZE_T_CLEAN
#include <Python.h>
${prelude}
static PyObject *${fn}(PyObject *self, PyObject *args) { ${body} }
static PyMethodDef methods[] = {{"${fn}", ${fn}, METH_NOARGS, "${fn}"}, {NULL, NULL, 0, NULL}};
static struct PyModuleDef definition = {PyModuleDef_HEAD_INIT, "${module}", NULL, -1, methods};
PyMODINIT_FUNC PyInit_${module}(void) { return PyModule_Create(&definition); }
`;
}

const FIXTURES: Record<string, ReproducibleFixture & FixtureFiles> = {
  // Like polls' pollstats: a C extension of its own, and a dependency (the test index's `cext`)
  // that the builder compiles from its sdist.
  "c-extension": {
    scenario: "c-extension",
    wheels: ["c-extension", "cext"],
    compiled: true,
    dependencies: ["cext"],
    setupPy: `from setuptools import Extension, setup
setup(ext_modules=[Extension("c_extension._speed", ["src/speed.c"])])
`,
    files: {
      "src/speed.c": cModule(
        "_speed",
        "mean",
        "double xs[] = {1.5, 2.5, 4.0}; double s = 0; for (int i = 0; i < 3; i++) s += xs[i]; return PyFloat_FromDouble(s / 3);",
      ),
    },
  },
  // C++ with the standard library (templates, std::string, exceptions: typeinfo and inline
  // functions in COMDAT sections), linked by g++.
  "cpp-extension": {
    scenario: "cpp-extension",
    wheels: ["cpp-extension"],
    compiled: true,
    setupPy: `from setuptools import Extension, setup
setup(ext_modules=[Extension("cpp_extension._words", ["src/words.cpp"], language="c++")])
`,
    files: {
      "src/words.cpp": `#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
template <typename K> std::map<K, int> count_of(const std::string &text) {
  std::map<K, int> counts; std::istringstream in(text); K word;
  while (in >> word) counts[word]++;
  if (counts.empty()) throw std::invalid_argument("no words");
  return counts;
}
static PyObject *distinct(PyObject *self, PyObject *arg) {
  const char *text = PyUnicode_AsUTF8(arg);
  if (text == nullptr) return nullptr;
  try { return PyLong_FromSize_t(count_of<std::string>(text).size()); }
  catch (const std::exception &e) { PyErr_SetString(PyExc_ValueError, e.what()); return nullptr; }
}
static PyMethodDef methods[] = {{"distinct", distinct, METH_O, "distinct words"}, {nullptr, nullptr, 0, nullptr}};
static struct PyModuleDef definition = {PyModuleDef_HEAD_INIT, "_words", nullptr, -1, methods};
PyMODINIT_FUNC PyInit__words(void) { return PyModule_Create(&definition); }
`,
    },
    // Debian's g++ from the host's mirror (the image build uses the host's network).
    builderLines: [
      "RUN apt-get update \\",
      " && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends g++ \\",
      " && apt-get clean && rm -rf /var/lib/apt/lists/* /var/cache/apt/*",
    ],
  },
  // Several C files and a header found through an absolute include path, whose __FILE__ and
  // assert() strings carry the build folder unless the compiler maps it away. No Cython.
  "multi-source-extension": {
    scenario: "multi-source-extension",
    wheels: ["multi-source-extension"],
    compiled: true,
    setupPy: `import os
from setuptools import Extension, setup
sources = ["src/module.c", "src/sum.c", "src/product.c", "src/where.c"]
setup(ext_modules=[Extension("multi_source_extension._calc", sources,
                             include_dirs=[os.path.abspath("include")])])
`,
    files: {
      "include/calc.h": `#ifndef CALC_H
#define CALC_H
#include <assert.h>
#define CALC_HEADER __FILE__
long calc_sum(long n);
long calc_product(long n);
const char *calc_where(void);
static inline long calc_checked(long n) { assert(n >= 0); return n; }
#endif
`,
      "src/sum.c": `#include "calc.h"\nlong calc_sum(long n) { long s = 0; for (long i = 1; i <= calc_checked(n); i++) s += i; return s; }\n`,
      "src/product.c": `#include "calc.h"\nlong calc_product(long n) { long p = 1; for (long i = 2; i <= calc_checked(n); i++) p *= i; return p; }\n`,
      "src/where.c": `#include "calc.h"\nconst char *calc_where(void) { return CALC_HEADER; }\n`,
      "src/module.c": cModule(
        "_calc",
        "summary",
        'return Py_BuildValue("(lls)", calc_sum(10), calc_product(5), calc_where());',
        '#include "calc.h"',
      ),
    },
  },
  // Pure Python, but with package data, a data file installed outside the package (the wheel's
  // .data folder) and a console_scripts entry point: members a wheel holds besides modules.
  "data-files-entry-points": {
    scenario: "data-files-entry-points",
    wheels: ["data-files-entry-points", "tinydep"],
    compiled: false,
    dependencies: ["tinydep"],
    pyprojectExtra: `[project.scripts]
dfep-report = "data_files_entry_points.cli:main"

[project.entry-points."data_files_entry_points.formats"]
plain = "data_files_entry_points.cli:plain"
json = "data_files_entry_points.cli:as_json"

[tool.setuptools.package-data]
data_files_entry_points = ["data/*.json", "data/*.txt"]
`,
    setupPy: `from setuptools import setup
setup(data_files=[("share/data-files-entry-points", ["share/README.txt", "share/defaults.cfg"])])
`,
    files: {
      "data_files_entry_points/cli.py": `import json
from importlib import resources


def plain(table):
    return "\\n".join("%s=%s" % item for item in sorted(table.items()))


def as_json(table):
    return json.dumps(table, sort_keys=True)


def main():
    table = json.loads(resources.files(__package__).joinpath("data/table.json").read_text())
    print(plain(table))
`,
      "data_files_entry_points/data/table.json": `{"b": 2, "a": 1, "c": 3}\n`,
      "data_files_entry_points/data/notes.txt": "notes shipped as package data\n",
      "share/README.txt": "a data file installed under share/\n",
      "share/defaults.cfg": "[defaults]\nformat = plain\n",
      "MANIFEST.in": "recursive-include share *\n",
    },
  },
  // Writes the build's wall-clock time (nanoseconds, whatever SOURCE_DATE_EPOCH says) into a
  // module while setup.py runs: two builds can never agree on that member.
  "time-embedding": {
    scenario: "time-embedding",
    wheels: ["time-embedding"],
    compiled: false,
    setupPy: `import pathlib, time
from setuptools import setup
pathlib.Path("time_embedding", "_built.py").write_text("BUILT_NS = %d\\n" % time.time_ns())
setup()
`,
    files: {},
  },
};

/** The fixtures that must build reproducibly. */
export const REPRODUCIBLE_FIXTURES: readonly ReproducibleFixture[] = [
  FIXTURES["c-extension"]!,
  FIXTURES["cpp-extension"]!,
  FIXTURES["multi-source-extension"]!,
  FIXTURES["data-files-entry-points"]!,
];

/** The fixture whose build embeds its own time; and the member that shows it. */
export const TIME_EMBEDDING = { ...FIXTURES["time-embedding"]!, member: "time_embedding/_built.py" };

/** Writes the fixture project (committed, so the tree is clean) and returns its root. */
export function makeReproducibleProject(scenario: string): string {
  const fixture = FIXTURES[scenario];
  if (fixture === undefined) throw new Error(`no reproducibility fixture ${scenario}`);
  const module = scenario.replace(/-/g, "_");
  const pyproject = `[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "${scenario}"
version = "0.1.0"
dependencies = ${JSON.stringify(fixture.dependencies ?? [])}

${fixture.pyprojectExtra ?? ""}
[tool.setuptools]
packages = ["${module}"]

${toolTable({ namespace: testRun().namespace, findLinks: makeLocalIndex() })}`;
  const root = makeProject({ scenario, pyproject, setupPy: fixture.setupPy });
  writeFileSync(path.join(root, module, "__init__.py"), PY_INIT(scenario));
  for (const [file, content] of Object.entries(fixture.files)) {
    const target = path.join(root, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
  if (fixture.builderLines !== undefined) {
    const dockerfile = path.join(root, "docker", "builder", "Dockerfile");
    writeFileSync(dockerfile, [`FROM ${testRun().builderImage}`, ...fixture.builderLines, ""].join("\n"));
  }
  commitAll(root, `${scenario} fixture`);
  return root;
}
