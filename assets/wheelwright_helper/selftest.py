"""`python -m wheelwright_helper selftest`: the versions of Python, pip and the helper environment's
packages, as one JSON line (for `wheelwright info`)."""

from __future__ import annotations

import json
import platform
import sys
from typing import Dict, Optional

from . import __version__
from .helper_env import HELPER_REQUIREMENTS, helper_env_dir, installed_versions


def pip_version() -> Optional[str]:
    try:
        import importlib.metadata

        return importlib.metadata.version("pip")
    except Exception:  # no pip in this interpreter
        return None


def selftest(cache: Optional[str]) -> Dict[str, object]:
    env_dir = helper_env_dir(cache) if cache else None
    packages = installed_versions(env_dir) if env_dir else {}
    return {
        "helper": __version__,
        "python": platform.python_version(),
        "implementation": sys.implementation.name,
        "executable": sys.executable,
        "pip": pip_version(),
        "helperRequirements": list(HELPER_REQUIREMENTS),
        "helperEnv": env_dir,
        "helperPackages": packages,
    }


def main(cache: Optional[str]) -> int:
    print(json.dumps(selftest(cache), sort_keys=True))
    return 0

