"""Unpacking an sdist safely and deterministically: its contents without the top folder, file
modes from the archive's exec bit only (the caller's umask and odd archive modes must not reach the
wheel, which records each file's mode), times from the archive, and no member, link or hard link
that lands outside the folder."""

from __future__ import annotations

import calendar
import os
import shutil
import stat
import tarfile
import zipfile


class UnsafeArchive(ValueError):
    pass


def _inside(root: str, relative: str) -> str:
    if relative.startswith("/") or "\\" in relative or "\x00" in relative:
        raise UnsafeArchive("member %r has an absolute or odd path" % relative)
    target = os.path.normpath(os.path.join(root, relative))
    if target != root and not target.startswith(root + os.sep):
        raise UnsafeArchive("member %r escapes the archive's folder" % relative)
    return target


def _strip_top(names) -> str:
    """The single top-level folder every sdist member sits in (`name-1.0/`), or ""."""
    tops = {name.lstrip("./").split("/", 1)[0] for name in names if name.strip("./")}
    return tops.pop() + "/" if len(tops) == 1 else ""


def _write(target: str, data_source, executable: bool, mtime: float) -> None:
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "wb") as handle:
        shutil.copyfileobj(data_source, handle)
    # Modes from the archive's exec bit only: the caller's umask or odd archive modes must not
    # reach the wheel (it records each file's mode).
    os.chmod(target, 0o755 if executable else 0o644)
    os.utime(target, (mtime, mtime))


def unpack(archive: str, dest: str) -> None:
    """Unpacks a .tar.gz/.tar.bz2/.tar.xz/.zip sdist's contents (without its top folder) into dest.
    Links pointing outside, devices and absolute or escaping members are refused."""
    root = os.path.realpath(dest)
    os.makedirs(root, exist_ok=True)
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as handle:
            infos = handle.infolist()
            top = _strip_top(i.filename for i in infos)
            for info in infos:
                relative = info.filename.lstrip("./")[len(top):] if top else info.filename
                if not relative or info.is_dir():
                    continue
                # Zip times carry no zone: read as UTC, so the caller's TZ changes nothing.
                mtime = calendar.timegm(info.date_time + (0, 0, 0))
                with handle.open(info) as data:
                    _write(_inside(root, relative), data, bool((info.external_attr >> 16) & 0o111), mtime)
        return
    with tarfile.open(archive) as handle:
        members = handle.getmembers()
        top = _strip_top(m.name for m in members)
        for member in members:
            name = member.name[2:] if member.name.startswith("./") else member.name
            relative = name[len(top):] if top else name
            if not relative:
                continue
            target = _inside(root, relative)
            if member.isdir():
                os.makedirs(target, exist_ok=True)
            elif member.isfile():
                data = handle.extractfile(member)
                assert data is not None
                _write(target, data, bool(member.mode & 0o111), member.mtime)
            elif member.issym():
                link = os.path.normpath(os.path.join(os.path.dirname(target), member.linkname))
                if member.linkname.startswith("/") or not (link == root or link.startswith(root + os.sep)):
                    raise UnsafeArchive("link %r points outside the archive" % member.name)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                os.symlink(member.linkname, target)
            elif member.islnk():
                source = _inside(root, member.linkname[len(top):] if top else member.linkname)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                shutil.copyfile(source, target)
                os.chmod(target, stat.S_IMODE(os.stat(source).st_mode))
            else:
                raise UnsafeArchive("member %r is not a file, folder or link" % member.name)
