"""Wheel files: their names, their METADATA, and whether a file is a sound wheel at all."""

from __future__ import annotations

import email.parser
import hashlib
import re
import zipfile
from dataclasses import dataclass
from typing import Optional, List

from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename


@dataclass(frozen=True)
class WheelMetadata:
    name: str  # canonical
    version: str
    requires: List[str]
    provides_extra: List[str]  # as written; compare them normalised
    requires_python: Optional[str] = None


class InvalidWheel(ValueError):
    pass


_METADATA = re.compile(r"^[^/]+\.dist-info/METADATA$")


def wheel_name_version(filename: str):
    """(canonical name, version string) from a wheel's file name."""
    try:
        name, version, _build, _tags = parse_wheel_filename(filename)
    except InvalidWheelFilename as error:
        raise InvalidWheel(str(error)) from None
    return canonicalize_name(name), str(version)


def read_wheel(path: str, check_members: bool = True) -> WheelMetadata:
    """Opens the wheel, checks every member's CRC (unless its sha256 was already checked against the
    index's) and reads its one .dist-info/METADATA."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if _METADATA.match(n)]
            if len(names) != 1:
                raise InvalidWheel("%d .dist-info/METADATA files, not one" % len(names))
            bad = archive.testzip() if check_members else None
            if bad is not None:
                raise InvalidWheel("corrupt member " + bad)
            text = archive.read(names[0]).decode("utf-8")
    except (zipfile.BadZipFile, OSError, KeyError, UnicodeDecodeError) as error:
        raise InvalidWheel("%s: %s" % (type(error).__name__, error)) from None
    message = email.parser.Parser().parsestr(text)
    name = message.get("Name")
    version = message.get("Version")
    if not name or not version:
        raise InvalidWheel("METADATA has no Name or Version")
    return WheelMetadata(
        canonicalize_name(name), version, message.get_all("Requires-Dist") or [],
        message.get_all("Provides-Extra") or [], message.get("Requires-Python"),
    )


def sha256_file(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
