"""The build request: one JSON file, so nothing secret and no user path travels in argv.

Only stdlib: read before the helper environment exists (it holds the index settings to make it with).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional
from urllib.parse import urlsplit

from .events import HelperError

LOCK_FORMATS = ("pylock", "uv", "poetry", "requirements")


@dataclass(frozen=True)
class IndexSettings:
    index_url: Optional[str] = None
    extra_index_urls: List[str] = field(default_factory=list)
    find_links: List[str] = field(default_factory=list)
    no_index: bool = False


@dataclass(frozen=True)
class LockRequest:
    path: str
    format: str


@dataclass(frozen=True)
class BuildRequest:
    source: str
    out: str
    work: str
    cache: str
    expect_name: Optional[str] = None
    extras: List[str] = field(default_factory=list)
    groups: List[str] = field(default_factory=list)
    requirements: List[str] = field(default_factory=list)
    lock: Optional[LockRequest] = None
    app_only: bool = False
    fresh_build_env: bool = False
    index: IndexSettings = field(default_factory=IndexSettings)
    jobs: int = 2
    source_date_epoch: Optional[int] = None
    static_requires: Optional[List[str]] = None
    # sdist sha256 -> a wheel the host pulled from the registry wheel cache and verified (issue 13)
    sdist_wheels: Dict[str, str] = field(default_factory=dict)
    # wheel file name -> sha256 of the copy the host already holds: the same bytes are not handed over
    host_wheels: Dict[str, str] = field(default_factory=dict)
    # Folders the host reads too (its local indexes, mounted read-only or copied in at the same path):
    # a fetched wheel lying in one is named by its path, not handed over
    host_folders: List[str] = field(default_factory=list)


def _bad(field_name: str, reason: str) -> HelperError:
    return HelperError("request", field=field_name, reason=reason)


def _typed(data: dict, key: str, kind: type, default: object, optional: bool = False) -> object:
    value = data.get(key, default)
    if value is None and optional:
        return None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _bad(key, "must be " + kind.__name__)
    return value


def _strings(data: dict, key: str, optional: bool = False) -> Optional[List[str]]:
    value = data.get(key, None if optional else [])
    if value is None and optional:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _bad(key, "must be a list of strings")
    return list(value)


def has_credentials(url: str) -> bool:
    """True when a URL carries user:password (or a token as user): those belong in netrc, never argv."""
    try:
        return urlsplit(url).username is not None
    except ValueError:
        return True


def _index(data: object) -> IndexSettings:
    if data is None:
        return IndexSettings()
    if not isinstance(data, dict):
        raise _bad("index", "must be an object")
    index_url = _typed(data, "indexUrl", str, None, optional=True)
    extra = _strings(data, "extraIndexUrls") or []
    links = _strings(data, "findLinks") or []
    for key, url in [("index.indexUrl", index_url)] + [("index.extraIndexUrls", u) for u in extra]:
        # The URL itself is never echoed: if it held a secret, the event would print it.
        if url is not None and has_credentials(url):
            raise _bad(key, "an index URL carries credentials; put them in the netrc file instead")
    for link in links:
        if re.match(r"^[a-z][a-z0-9+.-]*://", link, re.I) and has_credentials(link):
            raise _bad("index.findLinks", "a find-links URL carries credentials; put them in the netrc file instead")
    return IndexSettings(index_url, extra, links, bool(_typed(data, "noIndex", bool, False)))


def _sdist_wheels(data: object) -> Dict[str, str]:
    """{sdist sha256: wheel path} from `{dir, wheels: [{sdist, filename, sha256}]}`; plain file names only."""
    if data is None:
        return {}
    if not isinstance(data, dict) or not isinstance(data.get("dir"), str) or not os.path.isabs(data["dir"]):
        raise _bad("sdistWheels", "must be {dir (absolute), wheels}")
    wheels = data.get("wheels")
    if not isinstance(wheels, list):
        raise _bad("sdistWheels.wheels", "must be a list")
    found = {}
    for entry in wheels:
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in ("sdist", "filename", "sha256")):
            raise _bad("sdistWheels.wheels", "each must be {sdist, filename, sha256}")
        name = entry["filename"]
        if not re.match(r"^[0-9a-f]{64}$", entry["sdist"]) or "/" in name or name.startswith(".") or \
                not name.endswith(".whl"):
            raise _bad("sdistWheels.wheels", "an entry names no sdist sha256 or no plain wheel file name")
        found[entry["sdist"]] = os.path.join(data["dir"], name)
    return found


def _host_wheels(data: object) -> Dict[str, str]:
    """{file name: sha256} from `[{filename, sha256}]`; plain wheel file names only."""
    if data is None:
        return {}
    if not isinstance(data, list):
        raise _bad("hostWheels", "must be a list")
    found = {}
    for entry in data:
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in ("filename", "sha256")):
            raise _bad("hostWheels", "each must be {filename, sha256}")
        name = entry["filename"]
        if not re.match(r"^[0-9a-f]{64}$", entry["sha256"]) or "/" in name or name.startswith(".") or \
                not name.endswith(".whl"):
            raise _bad("hostWheels", "an entry names no sha256 or no plain wheel file name")
        found[name] = entry["sha256"]
    return found


def _host_folders(data: dict) -> List[str]:
    folders = _strings(data, "hostFolders", optional=True) or []
    for folder in folders:
        if not os.path.isabs(folder) or os.path.normpath(folder) != folder:
            raise _bad("hostFolders", "each must be an absolute, normalised path")
    return folders


def parse_request(data: object) -> BuildRequest:
    if not isinstance(data, dict):
        raise _bad("(root)", "the request must be a JSON object")
    if data.get("version") != 1:
        raise _bad("version", "this helper reads request version 1")
    paths = {}
    for key in ("source", "out", "work", "cache"):
        value = _typed(data, key, str, None)
        if not os.path.isabs(value):
            raise _bad(key, "must be an absolute path")
        paths[key] = value
    lock = data.get("lock")
    lock_request = None
    if lock is not None:
        if not isinstance(lock, dict) or not isinstance(lock.get("path"), str):
            raise _bad("lock", "must be null or {path, format}")
        if lock.get("format") not in LOCK_FORMATS:
            raise _bad("lock.format", "must be one of " + ", ".join(LOCK_FORMATS))
        lock_request = LockRequest(lock["path"], lock["format"])
    jobs = _typed(data, "jobs", int, 2)
    if jobs < 1:
        raise _bad("jobs", "must be at least 1")
    epoch = _typed(data, "sourceDateEpoch", int, None, optional=True)
    if epoch is not None and epoch < 315532800:
        # Zip timestamps start in 1980: an earlier epoch makes the wheel tools fail late.
        raise _bad("sourceDateEpoch", "must be 315532800 (1980-01-01) or later")
    return BuildRequest(
        expect_name=_typed(data, "expectName", str, None, optional=True),
        extras=_strings(data, "extras") or [],
        groups=_strings(data, "groups") or [],
        requirements=_strings(data, "requirements") or [],
        lock=lock_request,
        app_only=bool(_typed(data, "appOnly", bool, False)),
        fresh_build_env=bool(_typed(data, "freshBuildEnv", bool, False)),
        index=_index(data.get("index")),
        jobs=jobs,
        source_date_epoch=epoch,
        static_requires=_strings(data, "staticRequires", optional=True),
        sdist_wheels=_sdist_wheels(data.get("sdistWheels")),
        host_wheels=_host_wheels(data.get("hostWheels")),
        host_folders=_host_folders(data),
        **paths,
    )


def load_request(path: str) -> BuildRequest:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError) as error:
        raise _bad("(file)", "cannot read the request: " + type(error).__name__) from None
    return parse_request(data)
