"""Shared fixtures of the helper's pytest suite: the package on sys.path, small sdists made by the
tests themselves (a pure one, a C extension, one that fails to compile, one with extras, two that
wait for each other), projects, and a runner for the helper as the host starts it."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import textwrap
from pathlib import Path

import pytest

ASSETS = Path(__file__).resolve().parents[2] / "assets"
sys.path.insert(0, str(ASSETS))

INDEX_URL = "file:///opt/pypi/simple"  # this machine's local index: setuptools for the builds


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: runs the helper for real (pip, compilers); -m 'not slow' skips it")


def make_sdist(folder: Path, name: str, version: str, files: dict) -> Path:
    """An sdist written directly (tar + PKG-INFO), so making the fixtures starts no build tool."""
    base = "%s-%s" % (name, version)
    target = folder / (base + ".tar.gz")
    files = dict(files)
    files.setdefault("PKG-INFO", "Metadata-Version: 2.1\nName: %s\nVersion: %s\n" % (name, version))
    with tarfile.open(target, "w:gz") as archive:
        for relative, text in sorted(files.items()):
            data = textwrap.dedent(text).encode()
            info = tarfile.TarInfo("%s/%s" % (base, relative))
            info.size = len(data)
            info.mtime = 1_600_000_000
            info.mode = 0o644
            archive.addfile(info, io.BytesIO(data))
    return target


FLIT = '[build-system]\nrequires = ["flit_core>=3.4,<5"]\nbuild-backend = "flit_core.buildapi"\n'


def flit_sdist(folder: Path, name: str, version: str, requires=(), extras=None, backend=None) -> Path:
    """A pure-Python sdist on flit_core: a small build requirement, so the suite's builds stay quick."""
    lines = [FLIT if backend is None else FLIT.replace('"flit_core.buildapi"', '"%s"\nbackend-path = ["."]' % backend),
             "[project]", 'name = "%s"' % name, 'version = "%s"' % version, 'description = "a test sdist"',
             "dependencies = %s" % json.dumps(list(requires))]
    if extras:
        lines.append("[project.optional-dependencies]")
        lines += ["%s = %s" % (key, json.dumps(value)) for key, value in extras.items()]
    files = {"pyproject.toml": "\n".join(lines) + "\n", "%s/__init__.py" % name: "VALUE = %r\n" % name}
    if backend is not None:
        files[backend + ".py"] = BARRIER_BACKEND if backend == "barrier" else KILLED_BACKEND
    return make_sdist(folder, name, version, files)


def setuptools_sdist(folder: Path, name: str, version: str, c_source: str) -> Path:
    """An sdist with a C extension, on setuptools."""
    files = {
        "src/%s/__init__.py" % name: "VALUE = %r\n" % name,
        "src/%s/_speed.c" % name: c_source,
        "pyproject.toml": '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n',
        "setup.py": "from setuptools import Extension, setup\n"
                    "setup(name=%r, version=%r, package_dir={'': 'src'}, packages=[%r],\n"
                    "      ext_modules=[Extension(%r, [%r])])\n" % (
                        name, version, name, name + "._speed", "src/%s/_speed.c" % name),
    }
    return make_sdist(folder, name, version, files)


C_OK = """
#include <Python.h>
static PyObject *answer(PyObject *self, PyObject *args) { return PyLong_FromLong(42); }
static PyMethodDef methods[] = {{"answer", answer, METH_NOARGS, "42"}, {NULL, NULL, 0, NULL}};
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_speed", NULL, -1, methods};
PyMODINIT_FUNC PyInit__speed(void) { return PyModule_Create(&module); }
"""

# An in-tree backend over flit_core whose build_wheel waits for the other sdist's build to start:
# proves two sdists build at once, with no timing in the test (each waits up to a minute). Metadata
# (what pip's resolution asks for) does not wait.
BARRIER_BACKEND = """
import os, time
from flit_core import buildapi
from flit_core.buildapi import *  # noqa

def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    folder = os.environ.get("WW_BARRIER")
    if folder:
        me = os.path.basename(os.getcwd()).split("-")[0]
        other = {"wwbar1": "wwbar2", "wwbar2": "wwbar1"}[me]
        open(os.path.join(folder, me + ".started"), "w").close()
        deadline = time.time() + 60
        while not os.path.exists(os.path.join(folder, other + ".started")):
            if time.time() > deadline:
                raise SystemExit("the other sdist never started building alongside this one")
            time.sleep(0.05)
    return buildapi.build_wheel(wheel_directory, config_settings, metadata_directory)
"""

# A build that dies of SIGKILL, as under the OOM killer: the helper must say which package and signal.
KILLED_BACKEND = """
import os, signal
from flit_core.buildapi import *  # noqa

def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.fixture(scope="session")
def links(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("links with space, comma")
    flit_sdist(folder, "wwpure", "1.0")
    setuptools_sdist(folder, "wwcext", "1.0", C_OK)
    setuptools_sdist(folder, "wwbroken", "1.0", "this is not C;\n")
    flit_sdist(folder, "wwextras", "1.0", requires=["wwpure>=1"], extras={"fast": ["wwcext>=1"]})
    flit_sdist(folder, "wwbar1", "1.0", backend="barrier")
    flit_sdist(folder, "wwbar2", "1.0", backend="barrier")
    flit_sdist(folder, "wwkilled", "1.0", backend="killed")
    return folder


SETUPTOOLS = '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n'


def write_project(folder: Path, name: str = "demo", dependencies=(), optional=None, groups=None,
                  extra_files=None, backend: str = FLIT) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = [backend, '[project]', 'name = "%s"' % name, 'version = "0.1.0"', 'description = "a test project"',
             'dependencies = %s' % json.dumps(list(dependencies))]
    if optional:
        lines.append("[project.optional-dependencies]")
        lines += ["%s = %s" % (k, json.dumps(v)) for k, v in optional.items()]
    if groups:
        lines.append("[dependency-groups]")
        for key, value in groups.items():
            items = ", ".join(json.dumps(v) if isinstance(v, str) else '{include-group = "%s"}' % v["include-group"]
                              for v in value)
            lines.append("%s = [%s]" % (key, items))
    if backend == SETUPTOOLS:
        lines += ["[tool.setuptools]", 'packages = ["%s"]' % name]
    (folder / "pyproject.toml").write_text("\n".join(lines) + "\n")
    (folder / name).mkdir(exist_ok=True)
    (folder / name / "__init__.py").write_text("")
    for relative, text in (extra_files or {}).items():
        (folder / relative).write_text(textwrap.dedent(text))
    return folder


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory) -> Path:
    """One cache for the suite: the helper environment and build environments are made once."""
    return tmp_path_factory.mktemp("cache")


class HelperRun:
    def __init__(self, returncode: int, stdout: str, stderr: str, out: Path) -> None:
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.out = out
        self.events = [json.loads(line[len("@@wheelwright "):]) for line in stdout.splitlines()
                       if line.startswith("@@wheelwright ")]

    def of(self, kind: str):
        return [e for e in self.events if e["kind"] == kind]

    @property
    def error(self):
        errors = self.of("error")
        return errors[-1] if errors else None

    @property
    def report(self):
        return json.loads((self.out / "report.json").read_text())

    def explain(self) -> str:
        logs = [e["line"] for e in self.of("log")][-40:]
        return "exit %d\nerror: %s\n%s\n%s" % (self.returncode, self.error, "\n".join(logs), self.stderr[-3000:])


def request_for(tmp: Path, source: Path, cache: Path, links: Path = None, **overrides) -> dict:
    request = {
        "version": 1, "source": str(source), "out": str(tmp / "out"), "work": str(tmp / "work"),
        "cache": str(cache), "expectName": None, "extras": [], "groups": [], "requirements": [], "lock": None,
        "appOnly": False, "freshBuildEnv": False,
        "index": {"indexUrl": INDEX_URL, "extraIndexUrls": [], "findLinks": [str(links)] if links else []},
        "jobs": 2, "sourceDateEpoch": 1_700_000_000, "staticRequires": None,
    }
    request.update(overrides)
    return request


def run_helper(request: dict, tmp: Path, env: dict = None, python: str = sys.executable,
               command=("build",), assets: Path = ASSETS) -> HelperRun:
    """Runs the helper exactly as the host does: PYTHONPATH=<assets> python -m wheelwright_helper."""
    request_file = tmp / ("request-%d.json" % len(list(tmp.glob("request-*.json"))))
    request_file.write_text(json.dumps(request))
    environment = dict(os.environ if env is None else env)
    environment["PYTHONPATH"] = str(assets)
    proc = subprocess.run([python, "-m", "wheelwright_helper", *command, "--request", str(request_file)],
                          capture_output=True, text=True, env=environment, timeout=600)
    return HelperRun(proc.returncode, proc.stdout, proc.stderr, Path(request["out"]))


def helper_without_wheels(tmp: Path) -> Path:
    """A copy of the helper package without its shipped wheels (a damaged install, or Python < 3.11)."""
    assets = tmp / "assets-without-wheels"
    shutil.copytree(ASSETS / "wheelwright_helper", assets / "wheelwright_helper",
                    ignore=shutil.ignore_patterns("wheels", "__pycache__"))
    return assets


def copy_helper_env(shared: Path, fresh: Path) -> None:
    """A fresh cache that still skips the bootstrap (the helper environment is not under test there)."""
    source = shared / "helper-env"
    if source.is_dir():
        shutil.copytree(source, fresh / "helper-env", symlinks=True)
