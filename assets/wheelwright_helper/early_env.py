"""The app's build environment for the early start's resolution: once it holds setuptools, pip
prepares sdists' metadata under it (`--no-build-isolation`), as the resolution after the app build
does, instead of making an isolated environment per sdist while the app's is being made anyway
(measured on a cold Django build: 1.7 s of the early resolution went to that fresh environment).

While another thread still makes that environment, the resolution does not wait for it: it starts
under it at once, gated (gated_env.py)."""

from __future__ import annotations

import os
from typing import Optional, Union

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from .buildenv import BuildEnvFailure, BuildEnvs, build_system_requires, environment_satisfies
from .gated_env import NEEDED, GatedPython, gate_for

def early_build_python(envs: BuildEnvs, source: str, link: str) -> Union[str, GatedPython, None]:
    """The interpreter of the app's build environment when the app's static build requirements name
    setuptools: complete already, or gated (`link` names the link to make) while another thread
    makes it, or made here; None otherwise (the resolution isolates)."""
    requires = build_system_requires(source)
    if not requires:
        return None
    try:
        names = {canonicalize_name(Requirement(text).name) for text in requires}
    except InvalidRequirement:
        return None
    if "setuptools" not in names:
        return None
    gated = gate_for(envs, requires, link)
    if gated is not None:
        return gated
    try:
        python = envs.python(requires, "resolve")
    except BuildEnvFailure:
        return None  # the app's build meets it again, and reports it
    if not environment_satisfies(os.path.dirname(os.path.dirname(python)), NEEDED):
        return None
    return python
