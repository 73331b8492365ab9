"""The conditions every build runs under, so the same sdist gives the same bytes in any builder
(issue 16): a fixed build folder per package, compiler and rustc path maps, SOURCE_DATE_EPOCH, a
fixed umask, locale, timezone and hash seed. Only stdlib."""

from __future__ import annotations

import os
import re
import shlex
import stat
from typing import Dict, List, Mapping, Optional

UMASK = 0o022


def build_folder(work: str, name: str, version: str) -> str:
    """`<work>/build/<name>-<version>`: not pip's random temporary folder, whose name ends up in the
    debug information of every compiled extension (and so in the wheel's hash)."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", "%s-%s" % (name, version))
    return os.path.join(work, "build", safe)


def path_maps(build_dir: str, cache: str) -> List[tuple]:
    # The build folder becomes ".", the cache (build environments whose headers a compile may
    # include) a constant: two builders with other folder names then write the same paths.
    return [(build_dir, "."), (cache, "/wheelwright-cache")]


def reproducible_environment(base: Mapping[str, str], build_dir: str, cache: str,
                             source_date_epoch: Optional[int]) -> Dict[str, str]:
    env = dict(base)
    maps = path_maps(os.path.realpath(build_dir), os.path.realpath(cache))
    if os.path.realpath(build_dir) != build_dir:
        maps += path_maps(build_dir, cache)
    # distutils/setuptools split CFLAGS like a shell would: quote paths that hold spaces.
    c_flags = []
    for old, new in maps:
        c_flags += ["-ffile-prefix-map=%s=%s" % (old, new), "-fdebug-prefix-map=%s=%s" % (old, new)]
    quoted = " ".join(shlex.quote(flag) for flag in c_flags)
    for name in ("CFLAGS", "CXXFLAGS"):
        env[name] = (env.get(name, "") + " " + quoted).strip()
    rust = ["--remap-path-prefix=%s=%s" % pair for pair in maps]
    # RUSTFLAGS splits on spaces; cargo reads CARGO_ENCODED_RUSTFLAGS (0x1f-separated) first, so
    # a build folder with a space in its name is still mapped.
    existing = [flag for flag in env.get("RUSTFLAGS", "").split(" ") if flag]
    env["CARGO_ENCODED_RUSTFLAGS"] = "\x1f".join(existing + rust)
    env["RUSTFLAGS"] = " ".join(existing + [flag for flag in rust if " " not in flag])
    if source_date_epoch is not None:
        env["SOURCE_DATE_EPOCH"] = str(source_date_epoch)
    env.update({
        "LC_ALL": "C.UTF-8",
        "TZ": "UTC",
        "PYTHONHASHSEED": "0",
        # A .pyc written into the build tree could be swept into the wheel, with its mtime in it.
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    return env


def normalise_modes(tree: str) -> None:
    """Gives the source copy the modes git would check out under umask 022: folders 0755, files
    0755 when any exec bit is set, else 0644. Git keeps only the exec bit, so two clones of one
    commit made under other umasks (0644 against 0600 files) are the same source; but setuptools
    copies package data and data_files with their modes, and bdist_wheel records those modes in
    the wheel, whose bytes then followed the clone's umask (found by the data-files-entry-points
    test of issue 16). Links are left alone (chmod would follow them)."""
    for folder, _dirs, files in os.walk(tree):
        _chmod(folder, 0o755)
        for name in files:
            path = os.path.join(folder, name)
            mode = os.lstat(path).st_mode
            if stat.S_ISREG(mode):
                _chmod(path, 0o755 if mode & 0o111 else 0o644)


def _chmod(path: str, mode: int) -> None:
    if stat.S_IMODE(os.lstat(path).st_mode) != mode:
        os.chmod(path, mode)


def apply_process_defaults() -> None:
    """The helper's own process: files it and its children write get the same modes everywhere
    (wheels record them)."""
    os.umask(UMASK)
