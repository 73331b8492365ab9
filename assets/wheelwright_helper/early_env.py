"""The app's build environment for the early start's resolution: once it holds setuptools, pip
prepares sdists' metadata under it (`--no-build-isolation`), as the resolution after the app build
does, instead of making an isolated environment per sdist while the app's is being made anyway
(measured on a cold Django build: 1.7 s of the early resolution went to that fresh environment)."""

from __future__ import annotations

import os
from typing import Optional

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from .buildenv import BuildEnvFailure, BuildEnvs, build_system_requires
from .pep517 import environment_satisfies


def early_build_python(envs: BuildEnvs, source: str) -> Optional[str]:
    """The interpreter of the app's build environment (waiting while the prewarm makes it), when the
    app's static build requirements name setuptools; None otherwise (the resolution isolates)."""
    requires = build_system_requires(source)
    if not requires:
        return None
    try:
        names = {canonicalize_name(Requirement(text).name) for text in requires}
    except InvalidRequirement:
        return None
    if "setuptools" not in names:
        return None
    try:
        python = envs.python(requires, "resolve")
    except BuildEnvFailure:
        return None  # the app's build meets it again, and reports it
    if not environment_satisfies(os.path.dirname(os.path.dirname(python)), ["setuptools"]):
        return None
    return python
