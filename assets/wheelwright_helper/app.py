"""The application's wheel: built from the source copy through its own backend, then checked
(exactly one wheel, the expected name, never UNKNOWN, a sound file) and read: its real METADATA
decides the runtime set and the extras."""

from __future__ import annotations

import os
import shutil
import sys
from typing import Dict, Optional, Tuple

from packaging.utils import canonicalize_name

from .buildenv import BuildEnvs
from .events import HelperError
from .pep517 import BackendFailure, build_wheel
from .process import ProcessRunner
from .requires_memo import RequiresMemo
from .sets import AppFacts
from .wheelfile import InvalidWheel, read_wheel, wheel_name_version


def build_app(source: str, out_dir: str, expect_name: Optional[str], envs: BuildEnvs, environ: Dict[str, str],
              runner: ProcessRunner, memo: Optional[RequiresMemo] = None) -> Tuple[AppFacts, str]:
    """The app's facts, and the interpreter of the build environment that built it."""
    shutil.rmtree(out_dir, ignore_errors=True)
    os.makedirs(out_dir)
    try:
        _wheel, python = build_wheel(source, out_dir, envs, environ, runner, "app", memo=memo)
    except BackendFailure as failure:
        raise HelperError("app-build", **failure.event_fields()) from None
    return check_app_wheel(out_dir, expect_name), python


def check_app_wheel(out_dir: str, expect_name: Optional[str]) -> AppFacts:
    built = sorted(f for f in os.listdir(out_dir) if f.endswith(".whl"))
    if len(built) != 1:
        raise HelperError("app-count", found=built)
    filename = built[0]
    try:
        name, version = wheel_name_version(filename)
        metadata = read_wheel(os.path.join(out_dir, filename))
    except InvalidWheel as error:
        raise HelperError("invalid-wheel", file=filename, reason=str(error)) from None
    expected = canonicalize_name(expect_name) if expect_name else None
    if name == "unknown" or (expected is not None and name != expected):
        raise HelperError("app-name", found=name, expected=expected, version=version)
    if metadata.name != name:
        raise HelperError("invalid-wheel", file=filename,
                          reason="METADATA names %s, the file name %s" % (metadata.name, name))
    check_python(metadata.requires_python)
    extras = sorted({canonicalize_name(e) for e in metadata.provides_extra})
    return AppFacts(name, version, filename, list(metadata.requires), extras)


def check_python(requires_python: Optional[str]) -> None:
    """The app's Requires-Python against the builder's interpreter: a mismatch is told here, at build,
    not later by pip at install time (where no rebuild can help)."""
    if not requires_python:
        return
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    here = "%d.%d.%d" % sys.version_info[:3]
    try:
        ok = SpecifierSet(requires_python).contains(here, prereleases=True)
    except InvalidSpecifier:
        return
    if not ok:
        raise HelperError("app-python", requires=requires_python, python=here)
