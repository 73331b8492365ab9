"""Unpacking an sdist: contents without the top folder, fixed modes, nothing outside the folder."""

from __future__ import annotations

import io
import os
import stat
import tarfile
import zipfile

import pytest
from wheelwright_helper.archive import UnsafeArchive, unpack


def tar_with(path, members):
    with tarfile.open(path, "w:gz") as archive:
        for name, data, mode, kind in members:
            info = tarfile.TarInfo(name)
            info.mode = mode
            info.mtime = 1_600_000_000
            if kind == "sym":
                info.type = tarfile.SYMTYPE
                info.linkname = data
                archive.addfile(info)
            else:
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
    return path


def test_modes_come_from_the_exec_bit_only(tmp_path):
    archive = tar_with(tmp_path / "pkg-1.0.tar.gz", [
        ("pkg-1.0/setup.py", b"", 0o666, "file"),
        ("pkg-1.0/bin/tool", b"#!/bin/sh\n", 0o775, "file"),
        ("pkg-1.0/link", "setup.py", 0o777, "sym"),
    ])
    old = os.umask(0o077)  # the caller's umask must not matter
    try:
        unpack(str(archive), str(tmp_path / "out"))
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "out" / "setup.py").st_mode) == 0o644
    assert stat.S_IMODE(os.stat(tmp_path / "out" / "bin" / "tool").st_mode) == 0o755
    assert os.readlink(tmp_path / "out" / "link") == "setup.py"
    assert os.stat(tmp_path / "out" / "setup.py").st_mtime == 1_600_000_000


@pytest.mark.parametrize("members", [
    [("pkg-1.0/../../escape", b"x", 0o644, "file")],
    [("/etc/passwd-copy", b"x", 0o644, "file")],
    [("pkg-1.0/evil", "/etc/passwd", 0o777, "sym")],
    [("pkg-1.0/evil", "../../outside", 0o777, "sym")],
])
def test_escaping_members_are_refused(tmp_path, members):
    archive = tar_with(tmp_path / "pkg-1.0.tar.gz", [("pkg-1.0/setup.py", b"", 0o644, "file")] + members)
    with pytest.raises(UnsafeArchive):
        unpack(str(archive), str(tmp_path / "out"))
    assert not (tmp_path / "escape").exists()


def test_zip_sdists_too(tmp_path):
    path = tmp_path / "pkg-1.0.zip"
    with zipfile.ZipFile(path, "w") as archive:
        info = zipfile.ZipInfo("pkg-1.0/setup.py", date_time=(2020, 1, 2, 3, 4, 6))
        archive.writestr(info, "print('hi')\n")
    unpack(str(path), str(tmp_path / "out"))
    assert (tmp_path / "out" / "setup.py").read_text() == "print('hi')\n"
    # Zip times carry no zone: read as UTC, whatever TZ the caller has.
    assert os.stat(tmp_path / "out" / "setup.py").st_mtime == 1577934246


def test_caches_of_built_wheels_and_environments_are_kept_apart_by_platform(tmp_path, monkeypatch):
    """One cache volume may serve an amd64 and an emulated arm64 builder of the same Python."""
    import sys
    import sysconfig
    import types

    # pypa/build lives in the helper's own environment, not here; the keys do not use it. Modules
    # imported over the stand-in go again afterwards, so no other test gets them.
    fresh = [name for name in ("wheelwright_helper.pep517", "wheelwright_helper.sdist") if name not in sys.modules]
    if "build" not in sys.modules:
        monkeypatch.setitem(sys.modules, "build", types.ModuleType("build"))
        for name in fresh:
            monkeypatch.setitem(sys.modules, name, None)
            monkeypatch.delitem(sys.modules, name)
    from wheelwright_helper.helper_env import helper_env_dir
    from wheelwright_helper.sdist import SdistBuilder

    builder = SdistBuilder(str(tmp_path), str(tmp_path / "cache"), None, {}, None, None, "identity")
    keys = {}
    for platform in ("linux-x86_64", "linux-aarch64"):
        monkeypatch.setattr(sysconfig, "get_platform", lambda platform=platform: platform)
        keys[platform] = (builder.cache_key("0" * 64), builder.prebuilt_dir, helper_env_dir(str(tmp_path)))
    amd64, arm64 = keys["linux-x86_64"], keys["linux-aarch64"]
    assert amd64[0] != arm64[0]
    assert amd64[1] != arm64[1]
    assert amd64[2] != arm64[2] and arm64[2].endswith(tuple("0123456789abcdef")) and "linux-aarch64" in arm64[2]
