// Python projects in the shapes real teams give them (issue 11), each named after its shape, for
// `wheelwright init` then `wheelwright all` with no edit. Each holds a probe test that fails when
// the tests import the source copy instead of the installed wheel. Only the image folders are the
// fixture's own (FROM the run's base and builder, as test/support/project-files.ts has them): the
// machine cannot fetch Debian's packages for every shape's builder in reasonable time.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import path from "node:path";
import { commitAll, git } from "./fixtures.js";
import {
  type LockEntry,
  type LockedProject,
  pipCompileHashes,
  poetryLock,
  pylock,
  uvLock,
} from "./lock-files.js";
import { testRun } from "./test-run.js";

/** How a shape's release image shows that it starts. */
export type StartCheck =
  /**
   * `wheelwright run` with no command: the image's CMD; or with the given command. `noCmd`: a
   * library's image has none, and `run` alone says so (exit 3) instead of passing the engine's error on.
   */
  | { run: string[]; prints: RegExp; noCmd?: true }
  /** A server started from the image's CMD answers this path on port 8000. */
  | { serves: string; answers: RegExp };

export interface Shape {
  name: string;
  files: Record<string, string>;
  /** What the test command prints when every test (the probe among them) passed. */
  testsPassed: RegExp;
  start: StartCheck;
  /** A package the lock pins below the mirror's newest: the wheelhouse must hold this version. */
  locked?: { name: string; version: string };
}

const SETUPTOOLS = '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n';

/** A pytest module whose first test fails when `module` came from anywhere but site-packages. */
const probe = (module: string, more = "") =>
  `import ${module}\n\n\ndef test_probe_imports_the_installed_wheel():\n    assert "site-packages" in ${module}.__file__, ${module}.__file__\n${more}`;

/** The same probe as a unittest case (projects with no test set run unittest discovery). */
const unittestProbe = (module: string, more = "") =>
  `import unittest\n\nimport ${module}\n\n\nclass ProbeTest(unittest.TestCase):\n    def test_probe_imports_the_installed_wheel(self):\n        self.assertIn("site-packages", ${module}.__file__)\n${more}`;

const flatLayoutTestsPackage: Shape = {
  name: "flat-layout-tests-package",
  files: {
    "pyproject.toml": `${SETUPTOOLS}\n[project]\nname = "flat-layout-tests-package"\nversion = "1.2.0"\ndependencies = ["six>=1.16"]\n\n[project.optional-dependencies]\ntest = ["pytest>=8"]\n\n[tool.setuptools.packages.find]\ninclude = ["inkwell*"]\n`,
    "inkwell/__init__.py":
      'import six\n\n\ndef shout(text):\n    return six.ensure_str(text).upper() + "!"\n',
    "tests/__init__.py": "",
    "tests/helpers.py": 'WORD = "quiet"\n',
    "tests/test_inkwell.py": probe(
      "inkwell",
      '\n\ndef test_shout():\n    from tests.helpers import WORD\n\n    assert inkwell.shout(WORD) == "QUIET!"\n' +
        // Tests that write into their project folder and their home (caches, reports), as the user tests run as.
        '\n\ndef test_writes_its_folder_and_home():\n    import pathlib\n\n    pathlib.Path("report.txt").write_text("ok")\n    (pathlib.Path.home() / ".probe").write_text("ok")\n',
    ),
  },
  testsPassed: /3 passed/,
  start: { run: ["python", "-c", "import inkwell; print(inkwell.shout('released'))"], prints: /RELEASED!/ },
};

const srcLayoutGroupTests: Shape = {
  name: "src-layout-group-tests",
  files: {
    "pyproject.toml": `[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n[project]\nname = "src-layout-group-tests"\nversion = "0.3.0"\ndependencies = ["attrs>=23"]\n\n[dependency-groups]\ntests = ["pytest>=8"]\n\n[tool.hatch.build.targets.wheel]\npackages = ["src/catalog"]\n`,
    "src/catalog/__init__.py":
      "import attrs\n\n\n@attrs.define\nclass Item:\n    name: str\n    price: int\n\n\ndef total(items):\n    return sum(item.price for item in items)\n",
    "src/catalog/__main__.py":
      'from catalog import Item, total\n\nprint("catalog total", total([Item("a", 2), Item("b", 3)]))\n',
    "tests/test_catalog.py": probe(
      "catalog",
      '\n\ndef test_total():\n    assert catalog.total([catalog.Item("x", 4)]) == 4\n',
    ),
  },
  testsPassed: /2 passed/,
  start: { run: [], prints: /catalog total 5/ },
};

const requirementsFileTests: Shape = {
  name: "requirements-file-tests",
  files: {
    "setup.py":
      'from setuptools import setup\n\nsetup(\n    name="requirements-file-tests",\n    version="2.0.0",\n    packages=["hostnames"],\n    install_requires=["idna>=3"],\n)\n',
    "requirements-test.txt": "pytest>=8\n",
    "hostnames/__init__.py":
      "import idna\n\n\ndef ascii_name(name):\n    return idna.encode(name).decode()\n",
    "tests/test_hostnames.py": probe(
      "hostnames",
      '\n\ndef test_ascii_name():\n    assert hostnames.ascii_name("bücher.example") == "xn--bcher-kva.example"\n',
    ),
  },
  testsPassed: /2 passed/,
  start: {
    run: ["python", "-c", "import hostnames; print(hostnames.ascii_name('bücher.example'))"],
    prints: /xn--bcher-kva\.example/,
  },
};

const poetryDevGroup: Shape = {
  name: "poetry-dev-group",
  files: {
    "pyproject.toml": `[tool.poetry]\nname = "poetry-dev-group"\nversion = "0.5.0"\ndescription = "A tally counter"\nauthors = ["T <t@example.invalid>"]\npackages = [{ include = "tally" }]\n\n[tool.poetry.dependencies]\npython = "^3.11"\nsix = "^1.16"\n\n[tool.poetry.group.dev.dependencies]\npytest = "^8.0"\n\n[tool.poetry.scripts]\ntally = "tally.cli:main"\n\n[build-system]\nrequires = ["poetry-core>=1.0.0"]\nbuild-backend = "poetry.core.masonry.api"\n`,
    "tally/__init__.py": "def count(words):\n    return len(words.split())\n",
    "tally/cli.py":
      'import six\n\nfrom tally import count\n\n\ndef main():\n    print(six.text_type("tally: %d words") % count("one two three"))\n',
    "tests/test_tally.py": probe("tally", '\n\ndef test_count():\n    assert tally.count("a b") == 2\n'),
  },
  testsPassed: /2 passed/,
  start: { run: [], prints: /tally: 3 words/ },
};

const noRuntimeDepsCExtension: Shape = {
  name: "no-runtime-deps-c-extension",
  files: {
    "pyproject.toml": `${SETUPTOOLS}\n[project]\nname = "no-runtime-deps-c-extension"\nversion = "1.0.0"\ndependencies = []\n\n[project.optional-dependencies]\ntest = ["pytest>=8"]\n`,
    "setup.py":
      'from setuptools import Extension, setup\n\nsetup(packages=["fastsum"], ext_modules=[Extension("fastsum._native", ["fastsum/_native.c"])])\n',
    "fastsum/__init__.py": "from fastsum._native import add\n",
    "fastsum/__main__.py": 'from fastsum import add\n\nprint("fastsum", add(2, 3))\n',
    "fastsum/_native.c": `#include <Python.h>
static PyObject *add(PyObject *self, PyObject *args) {
    long a, b;
    if (!PyArg_ParseTuple(args, "ll", &a, &b)) return NULL;
    return PyLong_FromLong(a + b);
}
static PyMethodDef methods[] = {{"add", add, METH_VARARGS, "a + b"}, {NULL, NULL, 0, NULL}};
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_native", NULL, -1, methods};
PyMODINIT_FUNC PyInit__native(void) { return PyModule_Create(&module); }
`,
    "tests/test_fastsum.py": probe(
      "fastsum",
      '\n\ndef test_add_is_native():\n    assert fastsum.add(40, 2) == 42\n    assert fastsum._native.__file__.endswith(".so")\n',
    ),
  },
  testsPassed: /2 passed/,
  start: { run: [], prints: /fastsum 5/ },
};

/** setup.py only (no pyproject.toml, no extras), a flat package, unittest tests in a `tests` package. */
const setupPyFlatUnittest: Shape = {
  name: "setup-py-flat-unittest",
  files: {
    "setup.py":
      'from setuptools import setup\n\nsetup(\n    name="setup-py-flat-unittest",\n    version="2.1.0",\n    packages=["stitchwork"],\n    install_requires=["six>=1.16"],\n)\n',
    "stitchwork/__init__.py":
      'import six\n\n\ndef stitch(n):\n    return six.text_type("-").join(["x"] * n)\n',
    "tests/__init__.py": "",
    "tests/test_stitch.py": unittestProbe(
      "stitchwork",
      '\n    def test_stitch(self):\n        self.assertEqual(stitchwork.stitch(3), "x-x-x")\n',
    ),
  },
  testsPassed: /Ran 2 tests[\s\S]*OK/,
  start: {
    run: ["python", "-c", "import stitchwork; print(stitchwork.stitch(4))"],
    prints: /x-x-x-x/,
    noCmd: true,
  },
};

/** A flat-layout library with no tests and no test set yet (uv's project template). */
const flatLayoutNoTests: Shape = {
  name: "flat-layout-no-tests",
  files: {
    "pyproject.toml": `${SETUPTOOLS}\n[project]\nname = "flat-layout-no-tests"\nversion = "0.1.0"\ndependencies = ["idna>=3"]\n\n[tool.setuptools]\npackages = ["bare"]\n`,
    "bare/__init__.py": "import idna\n\n\ndef label(name):\n    return idna.encode(name).decode()\n",
  },
  testsPassed: /found no tests/,
  start: { run: ["python", "-c", "import bare; print(bare.label('ünï'))"], prints: /xn--/, noCmd: true },
};

const monorepoSubfolder: Shape = {
  name: "monorepo-subfolder",
  files: {
    "README.md": "# The shop: backend/ (Python) and frontend/ (JavaScript)\n",
    "frontend/package.json": '{ "name": "shop-frontend", "private": true }\n',
    "backend/pyproject.toml": `[build-system]\nrequires = ["flit_core>=3.4"]\nbuild-backend = "flit_core.buildapi"\n\n[project]\nname = "monorepo-subfolder"\nversion = "0.9.0"\ndescription = "The shop's order service"\ndependencies = ["idna>=3"]\n\n[project.optional-dependencies]\ntest = ["pytest>=8"]\n\n[tool.flit.module]\nname = "orders"\n`,
    "backend/orders/__init__.py": '"""Orders."""\n\n\ndef order_id(n):\n    return "order-%05d" % n\n',
    "backend/orders/__main__.py": "from orders import order_id\n\nprint(order_id(7))\n",
    "backend/tests/test_orders.py": probe(
      "orders",
      '\n\ndef test_order_id():\n    assert orders.order_id(1) == "order-00001"\n',
    ),
  },
  testsPassed: /2 passed/,
  start: { run: [], prints: /order-00007/ },
};

const djangoManagePy: Shape = {
  name: "django-manage-py",
  files: {
    "pyproject.toml": `${SETUPTOOLS}\n[project]\nname = "django-manage-py"\nversion = "1.0.0"\ndependencies = ["Django>=5.2,<6", "gunicorn>=23"]\n\n[tool.setuptools]\npackages = ["mysite", "greetings"]\n`,
    "manage.py": `#!/usr/bin/env python\nimport os\nimport sys\n\n\ndef main():\n    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")\n    from django.core.management import execute_from_command_line\n\n    execute_from_command_line(sys.argv)\n\n\nif __name__ == "__main__":\n    main()\n`,
    "mysite/__init__.py": "",
    "mysite/settings.py": `SECRET_KEY = "not-a-secret-shape-test"\nDEBUG = False\nALLOWED_HOSTS = ["*"]\nINSTALLED_APPS = ["greetings"]\nROOT_URLCONF = "mysite.urls"\nDATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}\nUSE_TZ = True\n`,
    "mysite/urls.py":
      'from django.urls import path\n\nfrom greetings.views import hello\n\nurlpatterns = [path("", hello)]\n',
    "mysite/wsgi.py":
      'import os\n\nfrom django.core.wsgi import get_wsgi_application\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")\napplication = get_wsgi_application()\n',
    "greetings/__init__.py": "",
    "greetings/views.py":
      'from django.http import HttpResponse\n\n\ndef hello(request):\n    return HttpResponse("hello from django")\n',
    "greetings/tests.py": `from django.test import SimpleTestCase\n\nimport greetings\n\n\nclass GreetingTests(SimpleTestCase):\n    def test_probe_imports_the_installed_wheel(self):\n        self.assertIn("site-packages", greetings.__file__)\n\n    def test_hello(self):\n        self.assertContains(self.client.get("/"), "hello from django")\n`,
  },
  testsPassed: /Ran 2 tests[\s\S]*OK/,
  start: { serves: "/", answers: /hello from django/ },
};

const flaskInstanceFolder: Shape = {
  name: "flask-instance-folder",
  files: {
    "pyproject.toml": `${SETUPTOOLS}\n[project]\nname = "flask-instance-folder"\nversion = "1.0.0"\ndependencies = ["Flask>=3"]\n\n[project.optional-dependencies]\ntest = ["pytest>=8"]\n\n[tool.setuptools]\npackages = ["flaskr"]\n`,
    // As Flask's tutorial has it: the app's files live in its instance folder, made at start.
    "flaskr/__init__.py": `import os\n\nfrom flask import Flask\n\n\ndef create_app(test_config=None):\n    app = Flask(__name__, instance_relative_config=True)\n    app.config.from_mapping(VISITS=os.path.join(app.instance_path, "visits.txt"))\n    if test_config is not None:\n        app.config.from_mapping(test_config)\n    os.makedirs(app.instance_path, exist_ok=True)\n\n    @app.route("/")\n    def visit():\n        path = app.config["VISITS"]\n        count = int(open(path).read()) + 1 if os.path.exists(path) else 1\n        with open(path, "w") as out:\n            out.write(str(count))\n        return "visits: %d" % count\n\n    return app\n`,
    "tests/test_flaskr.py": probe(
      "flaskr",
      '\n\ndef test_counts_visits(tmp_path):\n    client = flaskr.create_app({"VISITS": str(tmp_path / "v.txt")}).test_client()\n    client.get("/")\n    assert client.get("/").data == b"visits: 2"\n\n\ndef test_instance_folder_is_writable():\n    assert flaskr.create_app().test_client().get("/").status_code == 200\n',
    ),
  },
  testsPassed: /3 passed/,
  start: { serves: "/", answers: /visits: 1/ },
};

const consoleScriptCmd: Shape = {
  name: "console-script-cmd",
  files: {
    "pyproject.toml": `${SETUPTOOLS}\n[project]\nname = "console-script-cmd"\nversion = "3.1.0"\ndependencies = ["click>=8"]\n\n[project.scripts]\ngreet = "greeter.cli:main"\n\n[project.optional-dependencies]\ntest = ["pytest>=8"]\n\n[tool.setuptools]\npackages = ["greeter"]\n`,
    "greeter/__init__.py": 'def greeting(name):\n    return "hello from %s" % name\n',
    "greeter/cli.py":
      'import click\n\nfrom greeter import greeting\n\n\n@click.command()\n@click.option("--name", default="greeter")\ndef main(name):\n    click.echo(greeting(name))\n',
    "tests/test_greeter.py": probe(
      "greeter",
      '\n\ndef test_greeting():\n    assert greeter.greeting("x") == "hello from x"\n',
    ),
  },
  testsPassed: /2 passed/,
  start: { run: [], prints: /hello from greeter/ },
};

/** The pytest closure the locks hold for a dev group (pytest pinned below the mirror's newest). */
const PYTEST_LOCKED: LockEntry[] = [
  {
    name: "pytest",
    version: "8.4.2",
    group: "dev",
    dependencies: [
      { name: "colorama", marker: "sys_platform == 'win32'" },
      { name: "iniconfig" },
      { name: "packaging" },
      { name: "pluggy" },
      { name: "pygments" },
    ],
  },
  { name: "colorama", version: "0.4.6", group: "dev" },
  { name: "iniconfig", version: "2.3.0", group: "dev" },
  { name: "packaging", version: "26.3", group: "dev" },
  { name: "pluggy", version: "1.6.0", group: "dev" },
  { name: "pygments", version: "2.21.0", group: "dev" },
];
const TABULATE_LOCKED: LockEntry = { name: "tabulate", version: "0.8.10", group: "main" };
/** A docs group's package no index here offers: the build must not fetch what no requested set reaches. */
const DOCS_LOCKED: LockEntry = { name: "not-on-this-mirror", version: "1.0", group: "docs", absent: true };

const tableModule =
  'from tabulate import tabulate\n\n\ndef render(rows):\n    return tabulate(rows, headers=["item", "n"])\n';

/** A src-layout project of `module` depending on tabulate, with `lock` written beside it. */
function lockShape(
  name: string,
  lock: { file: string; write: (project: LockedProject) => string },
  options: { pyproject?: string; devGroup: boolean },
): Shape {
  const module = name.replace(/-/g, "_");
  const project: LockedProject = {
    name,
    version: "0.1.0",
    requires: ["tabulate>=0.8"],
    groups: options.devGroup ? { dev: ["pytest>=8"], docs: ["not-on-this-mirror>=1"] } : {},
    packages: [TABULATE_LOCKED, ...(options.devGroup ? [...PYTEST_LOCKED, DOCS_LOCKED] : [])],
  };
  const groups = options.devGroup
    ? '\n[dependency-groups]\ndev = ["pytest>=8"]\ndocs = ["not-on-this-mirror>=1"]\n'
    : "";
  const more = '\n    def test_render(self):\n        self.assertIn("item", render([["a", 1]]))\n';
  return {
    name,
    files: {
      "pyproject.toml":
        options.pyproject ??
        `${SETUPTOOLS}\n[project]\nname = "${name}"\nversion = "0.1.0"\ndependencies = ["tabulate>=0.8"]\n${groups}`,
      [lock.file]: lock.write(project),
      [`src/${module}/__init__.py`]: tableModule,
      [`src/${module}/__main__.py`]: `from ${module} import render\n\nprint(render([["locked", 1]]))\n`,
      ...(options.devGroup
        ? {
            "tests/test_table.py": probe(
              module,
              `\n\ndef test_render():\n    assert "item" in ${module}.render([["a", 1]])\n`,
            ),
          }
        : {
            "tests/__init__.py": "",
            "tests/test_table.py": unittestProbe(module, more).replace(
              `import ${module}\n`,
              `import ${module}\nfrom ${module} import render\n`,
            ),
          }),
    },
    testsPassed: options.devGroup ? /2 passed/ : /Ran 2 tests[\s\S]*OK/,
    start: { run: [], prints: /locked/ },
    locked: { name: "tabulate", version: "0.8.10" },
  };
}

const poetryLockPyproject = `[tool.poetry]\nname = "poetry-lock"\nversion = "0.1.0"\ndescription = "Tables"\nauthors = ["T <t@example.invalid>"]\npackages = [{ include = "poetry_lock", from = "src" }]\n\n[tool.poetry.dependencies]\npython = "^3.11"\ntabulate = ">=0.8"\n\n[tool.poetry.group.dev.dependencies]\npytest = ">=8"\n\n[tool.poetry.group.docs.dependencies]\nnot-on-this-mirror = ">=1"\n\n[build-system]\nrequires = ["poetry-core>=1.0.0"]\nbuild-backend = "poetry.core.masonry.api"\n`;

export const SHAPES: Shape[] = [
  flatLayoutTestsPackage,
  srcLayoutGroupTests,
  requirementsFileTests,
  poetryDevGroup,
  noRuntimeDepsCExtension,
  setupPyFlatUnittest,
  flatLayoutNoTests,
  monorepoSubfolder,
  djangoManagePy,
  flaskInstanceFolder,
  consoleScriptCmd,
  lockShape("uv-lock", { file: "uv.lock", write: uvLock }, { devGroup: true }),
  lockShape(
    "poetry-lock",
    { file: "poetry.lock", write: poetryLock },
    { devGroup: true, pyproject: poetryLockPyproject },
  ),
  lockShape("pylock", { file: "pylock.toml", write: pylock }, { devGroup: false }),
  lockShape("pip-compile-hashes", { file: "requirements.txt", write: pipCompileHashes }, { devGroup: false }),
];

/**
 * The shape as a git repository under the run's folder, committed: its files, and docker/base and
 * docker/builder FROM the run's images (the one thing the fixture sets besides the project).
 */
export function makeShapeProject(shape: Shape): string {
  const run = testRun();
  const root = mkdtempSync(path.join(run.tempRoot, `${shape.name}-`));
  const files = {
    ...shape.files,
    "docker/base/Dockerfile": `FROM ${run.baseImage}\n`,
    "docker/builder/Dockerfile": `FROM ${run.builderImage}\n`,
  };
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  git(root, "init", "-q", "-b", "main");
  commitAll(root, shape.name);
  return root;
}
