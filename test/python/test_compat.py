"""Python 3.9-3.13: the tomli fallback (forced here, on 3.11) and source that 3.9 can parse."""

from __future__ import annotations

import ast
import sys
import types
from pathlib import Path

from wheelwright_helper import pyproject

try:
    import tomllib
except ImportError:  # Python 3.9 / 3.10: the reader the helper itself falls back to
    import tomli as tomllib

PACKAGE = Path(__file__).resolve().parents[2] / "assets" / "wheelwright_helper"
# Modules the bare interpreter imports before the helper environment exists: stdlib only.
BOOTSTRAP_MODULES = {"__init__", "__main__", "events", "request", "pip", "process", "helper_env", "reproducible",
                     "buildenv"}


def test_without_tomllib_the_reader_uses_tomli(monkeypatch, tmp_path):
    fake_tomli = types.ModuleType("tomli")
    fake_tomli.load = tomllib.load
    fake_tomli.TOMLDecodeError = tomllib.TOMLDecodeError
    monkeypatch.setitem(sys.modules, "tomllib", None)  # as on Python 3.9 / 3.10
    monkeypatch.setitem(sys.modules, "tomli", fake_tomli)
    assert pyproject.toml_module() is fake_tomli
    (tmp_path / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
        '[dependency-groups]\ntest = ["pytest"]\n')
    data = pyproject.read_pyproject(str(tmp_path))
    # A hatchling project stays hatchling: no silent fall back to setuptools' legacy backend.
    assert data["build-system"]["build-backend"] == "hatchling.build"
    assert pyproject.dependency_groups_table(data) == {"test": ["pytest"]}


def test_without_any_toml_reader_the_failure_is_loud(monkeypatch):
    monkeypatch.setitem(sys.modules, "tomllib", None)
    monkeypatch.setitem(sys.modules, "tomli", None)
    try:
        pyproject.toml_module()
    except ImportError:
        return
    raise AssertionError("expected an ImportError")


def test_every_module_parses_as_python_3_9():
    # ast's feature_version refuses syntax newer than 3.9 (match, parenthesised context managers,
    # except*, PEP 695...). It cannot see newer stdlib calls: those are kept out by review.
    for path in sorted(PACKAGE.glob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path), feature_version=(3, 9))
        future = [node for node in tree.body if isinstance(node, ast.ImportFrom) and node.module == "__future__"]
        if path.stem != "__init__":
            # PEP 604 unions and builtin generics in annotations stay strings on 3.9.
            assert future, "%s lacks `from __future__ import annotations`" % path.name


def test_bootstrap_modules_import_only_the_standard_library():
    # Module-level imports only: a function may import a later module once the environment is active.
    for name in BOOTSTRAP_MODULES:
        tree = ast.parse((PACKAGE / (name + ".py")).read_text())
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                assert node.module.split(".")[0] in sys.stdlib_module_names, (name, node.module)
            elif isinstance(node, ast.ImportFrom) and node.level == 1:
                assert node.module in BOOTSTRAP_MODULES or node.module == "selftest" or node.module is None, \
                    (name, node.module)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    assert alias.name.split(".")[0] in sys.stdlib_module_names, (name, alias.name)
