"""The facts about this interpreter the host needs to judge the wheels' tags (issue 14): which
Python, which ABI, which platform and C library. Only stdlib: the host compares, this only reports.
"""

from __future__ import annotations

import platform
import sys
import sysconfig


def _abi() -> str:
    """`cp313` (`cp313t` free-threaded, `cp313d` debug), from SOABI as packaging.tags reads it."""
    soabi = sysconfig.get_config_var("SOABI") or ""
    parts = soabi.split("-")
    if sys.implementation.name == "cpython" and len(parts) > 1 and parts[0] == "cpython":
        return "cp" + parts[1]
    return (sys.implementation.cache_tag or "").replace("-", "_").replace(".", "_")


def _libc() -> dict | None:
    name, version = platform.libc_ver()
    if not name:
        return None
    return {"name": name, "version": version}


def interpreter_facts() -> dict:
    return {
        "implementation": sys.implementation.name,
        "cache_tag": sys.implementation.cache_tag,
        "version": list(sys.version_info[:2]),
        "abi": _abi(),
        "platform": sysconfig.get_platform(),
        "libc": _libc(),
    }
