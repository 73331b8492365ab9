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
