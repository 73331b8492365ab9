"""The reproducible build environment: fixed folders, path maps, clock, locale, zone, hash seed."""

from __future__ import annotations

import os
import shlex

from wheelwright_helper.reproducible import UMASK, build_folder, normalise_modes, reproducible_environment


def test_each_sdist_builds_in_a_fixed_folder():
    assert build_folder("/w", "cffi", "1.17.1") == "/w/build/cffi-1.17.1"
    assert build_folder("/w", "weird/name", "1.0") == "/w/build/weird_name-1.0"


def test_flags_map_the_build_folder_and_cache_away(tmp_path):
    build = tmp_path / "my proj, \"x\"" / "build" / "pkg-1.0"
    cache = tmp_path / "cache"
    build.mkdir(parents=True)
    cache.mkdir()
    env = reproducible_environment({"CFLAGS": "-O2", "PATH": "/bin"}, str(build), str(cache), 1_700_000_000)
    cflags = shlex.split(env["CFLAGS"])  # split as distutils splits it
    assert cflags[0] == "-O2"
    assert "-ffile-prefix-map=%s=." % os.path.realpath(build) in cflags
    assert "-fdebug-prefix-map=%s=." % os.path.realpath(build) in cflags
    assert "-ffile-prefix-map=%s=/wheelwright-cache" % os.path.realpath(cache) in cflags
    assert shlex.split(env["CXXFLAGS"]) == cflags[1:]
    rust = env["CARGO_ENCODED_RUSTFLAGS"].split("\x1f")
    assert "--remap-path-prefix=%s=." % os.path.realpath(build) in rust
    # RUSTFLAGS splits on spaces: a flag holding one is only in the encoded form.
    assert all(" " not in flag for flag in env["RUSTFLAGS"].split(" "))
    assert env["SOURCE_DATE_EPOCH"] == "1700000000"
    assert (env["LC_ALL"], env["TZ"], env["PYTHONHASHSEED"]) == ("C.UTF-8", "UTC", "0")
    assert env["PATH"] == "/bin"


def test_no_epoch_means_none_is_invented(tmp_path):
    env = reproducible_environment({}, str(tmp_path), str(tmp_path), None)
    assert "SOURCE_DATE_EPOCH" not in env


def test_umask_is_022():
    assert UMASK == 0o022


def test_source_modes_become_what_git_checks_out_whatever_the_clones_umask(tmp_path):
    # A clone made under umask 077: 0700 folders, 0600 files, 0700 scripts.
    (tmp_path / "pkg" / "data").mkdir(parents=True)
    data = tmp_path / "pkg" / "data" / "table.json"
    script = tmp_path / "run.sh"
    data.write_text("{}")
    script.write_text("#!/bin/sh\n")
    outside = tmp_path.parent / (tmp_path.name + "-outside")
    outside.write_text("not ours")
    outside.chmod(0o600)
    (tmp_path / "link").symlink_to(outside)
    for path, mode in ((tmp_path / "pkg", 0o700), (tmp_path / "pkg" / "data", 0o700), (data, 0o600),
                       (script, 0o700)):
        path.chmod(mode)
    normalise_modes(str(tmp_path))
    modes = {p: os.stat(p).st_mode & 0o777 for p in (tmp_path / "pkg", tmp_path / "pkg" / "data", data, script)}
    assert modes == {tmp_path / "pkg": 0o755, tmp_path / "pkg" / "data": 0o755, data: 0o644, script: 0o755}
    # A link is not followed: what it points at keeps its mode.
    assert os.stat(outside).st_mode & 0o777 == 0o600
