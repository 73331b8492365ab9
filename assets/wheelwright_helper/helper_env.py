"""The helper environment: the public `packaging`, `pyproject_hooks`, `build` (and `tomli` before
Python 3.11) in a cached `--target` folder, never in the app's environment or the interpreter's
site-packages. Made in a temporary folder and renamed into place, so a half-made one is never used.
Only stdlib: this is what makes the other modules importable.
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
from typing import Dict, Optional

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


def helper_env_dir(cache: str) -> str:
    version = "%d.%d.%d-%s" % (sys.version_info[:3] + (sysconfig.get_platform(),))
    digest = hashlib.sha256("\n".join(HELPER_REQUIREMENTS).encode()).hexdigest()[:16]
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
    final = helper_env_dir(cache)
    if os.path.exists(os.path.join(final, COMPLETE)):
        return final
    os.makedirs(os.path.dirname(final), exist_ok=True)
    temporary = "%s.tmp-%d-%s" % (final, os.getpid(), uuid.uuid4().hex[:8])
    try:
        argv = pip_command() + ["install", "--target", temporary, "--no-compile", "--prefer-binary",
                                "--no-warn-script-location"] + index_arguments(index) + list(HELPER_REQUIREMENTS)
        result = runner.run(argv, "bootstrap", env=env)
        if not result.ok:
            raise HelperError("helper-env", reason="pip could not install the helper's packages",
                              requirements=list(HELPER_REQUIREMENTS), tail=result.tail(),
                              **describe_failure(result.lines))
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


def activate(folder: str) -> None:
    """Puts the helper environment first on sys.path (before the app environment's own packages)."""
    if folder not in sys.path:
        sys.path.insert(0, folder)


def installed_versions(folder: str) -> Dict[str, Optional[str]]:
    import importlib.metadata

    return {dist.metadata["Name"]: dist.version for dist in importlib.metadata.distributions(path=[folder])}
