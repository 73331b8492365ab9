"""Reading pyproject.toml: `tomllib` (Python 3.11+), else the helper environment's `tomli`.

A project must never be misread because a TOML parser is missing: on 3.9/3.10 without `tomli` this
fails loudly instead of silently falling back to setuptools' legacy backend (which would drop a
hatchling project's metadata and its dependency groups).
"""

from __future__ import annotations

import importlib
import os
from typing import Dict, List, Optional, Tuple


def toml_module():
    """The TOML reader: stdlib `tomllib` where it exists, else `tomli` (same API)."""
    try:
        return importlib.import_module("tomllib")
    except ImportError:
        return importlib.import_module("tomli")


class TomlError(ValueError):
    pass


def load_toml(path: str) -> dict:
    module = toml_module()
    try:
        with open(path, "rb") as handle:
            return module.load(handle)
    except module.TOMLDecodeError as error:
        raise TomlError("%s: %s" % (os.path.basename(path), error)) from None


def read_pyproject(source: str) -> dict:
    path = os.path.join(source, "pyproject.toml")
    return load_toml(path) if os.path.exists(path) else {}


def dependency_groups_table(pyproject: dict) -> Dict[str, list]:
    """PEP 735's `[dependency-groups]`, and poetry's groups (which a PEP 735 group of the same name wins over)."""
    from .poetry import poetry_groups

    table = pyproject.get("dependency-groups") or {}
    return {**poetry_groups(pyproject), **(table if isinstance(table, dict) else {})}


def static_metadata(pyproject: dict, static_requires: Optional[List[str]]) -> Optional[Tuple[List[str], List[str]]]:
    """The Requires-Dist and Provides-Extra the wheel will most likely carry, from static
    `[project]` data, for an early start of the resolution. None when they are not static."""
    if static_requires is None:
        if "project" in pyproject:
            return None
        from .poetry import poetry_requires

        return poetry_requires(pyproject)
    project = pyproject.get("project") or {}
    dynamic = project.get("dynamic") or []
    if "optional-dependencies" in dynamic:
        return list(static_requires), []
    requires = list(static_requires)
    extras = []
    for extra, items in sorted((project.get("optional-dependencies") or {}).items()):
        extras.append(extra)
        for item in items:
            requirement, _, marker = item.partition(";")
            condition = 'extra == "%s"' % extra
            requires.append("%s; %s" % (requirement.strip(), "(%s) and %s" % (marker.strip(), condition)
                                        if marker.strip() else condition))
    return requires, extras
