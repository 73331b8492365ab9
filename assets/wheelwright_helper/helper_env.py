"""The helper environment: the public `packaging`, `pyproject_hooks`, `build` (and `tomli` before
Python 3.11) in a cached `--target` folder, never in the app's environment or the interpreter's
site-packages. Made in a temporary folder and renamed into place, so a half-made one is never used.
Only stdlib: this is what makes the other modules importable.

On Python 3.11 and later the environment is unpacked from the wheels shipped beside this package
(wheels/, pure Python, pinned by sha256 below): no pip process on a cold build, and no need for the
user's index to mirror the helper's own packages. Before 3.11 (`build` then needs `tomli`, and the
index's may be compiled for one interpreter only) pip installs HELPER_REQUIREMENTS from the index.
"""

from __future__ import annotations

import compileall
import hashlib
import importlib.util
import os
import shutil
import sys
import sysconfig
import uuid
import zipfile
from typing import Dict, List, Optional

from .events import HelperError
from .pip import describe_failure, index_arguments, pip_command
from .process import ProcessRunner
from .request import IndexSettings

# The helper's own requirements. Changing this list changes the folder name, so every cache gets a
# fresh environment; an old one is simply no longer used.
HELPER_REQUIREMENTS = (
    "packaging>=24",
    "pyproject_hooks>=1.0",
    "build>=1.0",
    'tomli>=1.1; python_version < "3.11"',
)
COMPLETE = ".complete"

# The wheels shipped in wheels/ (copied from the package index; licences in each .dist-info), by
# sha256. A file that is missing or differs means a damaged install: pip is used instead.
BUNDLED_FOLDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "wheels")
BUNDLED_WHEELS = {
    "build-1.6.1-py3-none-any.whl": "ecd351a4be9d35a9eaaba244a7687143c9c7d4aea6ac964e7e7ddab20cbcf4e7",
    "packaging-26.3-py3-none-any.whl": "d7193f7c8e4e93f444fde0262bf90af30e16fa0ad0ad44cb553c87339b23cd1c",
    "pyproject_hooks-1.3.3-py3-none-any.whl": "5fc53fdac9f7bd63fbcdc868fb5f90b4784d78a53a3d3388cd738b807441a20b",
}
# `build` 1.6 needs `tomli` before 3.11, which is not shipped (the index's may be compiled).
BUNDLED_MINIMUM_PYTHON = (3, 11)


def bundled_wheels(folder: str = BUNDLED_FOLDER, version=None) -> Optional[List[str]]:
    """The shipped wheels' paths when they make the whole helper environment for this Python and
    each is there byte for byte; else None (pip installs HELPER_REQUIREMENTS instead)."""
    if tuple((version or sys.version_info)[:2]) < BUNDLED_MINIMUM_PYTHON:
        return None
    paths = []
    for name, expected in sorted(BUNDLED_WHEELS.items()):
        path = os.path.join(folder, name)
        try:
            with open(path, "rb") as handle:
                if hashlib.sha256(handle.read()).hexdigest() != expected:
                    return None
        except OSError:
            return None
        paths.append(path)
    return paths


def helper_env_dir(cache: str, bundled: Optional[bool] = None) -> str:
    version = "%d.%d.%d-%s" % (sys.version_info[:3] + (sysconfig.get_platform(),))
    if bundled is None:
        bundled = bundled_wheels() is not None
    # The folder's name says what made it: the shipped wheels, or the requirements pip resolved.
    source = sorted(BUNDLED_WHEELS) if bundled else list(HELPER_REQUIREMENTS)
    digest = hashlib.sha256("\n".join(source).encode()).hexdigest()[:16]
    return os.path.join(cache, "helper-env", "%s-%s" % (version, digest))


# pip's --report (22.2) decides the closure; --python (22.3) installs into build environments.
MINIMUM_PIP = (22, 3)


def pip_available() -> bool:
    return importlib.util.find_spec("pip") is not None


def check_pip() -> None:
    """Fails at once, clearly, where this interpreter's pip cannot do what the helper asks of it."""
    if not pip_available():
        raise HelperError("helper-env", reason="this Python has no pip (the builder image needs python3-pip or a "
                                                "venv with pip)", tail=[])
    import importlib.metadata

    version = importlib.metadata.version("pip")
    numbers = tuple(int(part) for part in version.split(".")[:2] if part.isdigit())
    if numbers < MINIMUM_PIP:
        raise HelperError("helper-env", reason="pip %s is too old: the helper needs pip %d.%d or later"
                                               % ((version,) + MINIMUM_PIP), tail=[])


def ensure_helper_env(cache: str, index: IndexSettings, runner: ProcessRunner, env: Dict[str, str]) -> str:
    """The helper environment's folder, made now if no complete one is cached."""
    shipped = bundled_wheels()
    final = helper_env_dir(cache, shipped is not None)
    if os.path.exists(os.path.join(final, COMPLETE)):
        return final
    os.makedirs(os.path.dirname(final), exist_ok=True)
    temporary = "%s.tmp-%d-%s" % (final, os.getpid(), uuid.uuid4().hex[:8])
    try:
        if shipped is not None:
            unpack_wheels(shipped, temporary)
        else:
            pip_install(temporary, index, runner, env)
        # Compiled once here, recording the final path, so no later run compiles (or writes) again.
        compileall.compile_dir(temporary, ddir=final, quiet=1, workers=1)
        open(os.path.join(temporary, COMPLETE), "w").close()
        try:
            os.rename(temporary, final)
        except OSError:
            if not os.path.exists(os.path.join(final, COMPLETE)):
                raise
            # Another build made it first: theirs is complete, ours is not needed.
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
    return final


def unpack_wheels(wheels: List[str], target: str) -> None:
    """Installs pure-Python wheels into a `--target` folder as pip would: each member at its path
    (these wheels hold no .data folder and no scripts)."""
    os.makedirs(target)
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(target)


def pip_install(target: str, index: IndexSettings, runner: ProcessRunner, env: Dict[str, str]) -> None:
    argv = pip_command() + ["install", "--target", target, "--no-compile", "--prefer-binary",
                            "--no-warn-script-location"] + index_arguments(index) + list(HELPER_REQUIREMENTS)
    result = runner.run(argv, "bootstrap", env=env)
    if not result.ok:
        raise HelperError("helper-env", reason="pip could not install the helper's packages",
                          requirements=list(HELPER_REQUIREMENTS), tail=result.tail(),
                          **describe_failure(result.lines))


def activate(folder: str) -> None:
    """Puts the helper environment first on sys.path (before the app environment's own packages)."""
    if folder not in sys.path:
        sys.path.insert(0, folder)


def installed_versions(folder: str) -> Dict[str, Optional[str]]:
    import importlib.metadata

    return {dist.metadata["Name"]: dist.version for dist in importlib.metadata.distributions(path=[folder])}
