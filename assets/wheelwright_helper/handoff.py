"""The check before handing off, and the handoff itself: every wheel sound, every Requires-Dist of
every requested set satisfied by a wheel in the set, wheels that no set needs left behind; then the
wheels moved into `out/app` and `out/deps`, and `out/report.json` written last."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

from packaging.markers import default_environment
from packaging.requirements import Requirement

from .closure import Closure, Dist
from .events import HelperError
from .interpreter import interpreter_facts
from .wheelfile import InvalidWheel, read_wheel, wheel_name_version

REPORT_VERSION = 1


@dataclass
class Candidate:
    path: str  # where the wheel lies in work
    folder: str  # "app" | "deps"
    origin: str  # "built" | "fetched"
    sets: List[str] = field(default_factory=list)
    requires: List[str] = field(default_factory=list)
    # For a wheel built here: the sdist it was built from ({name, sha256}), so a lock written from the
    # wheelhouse can name the file an index offers, not only the wheel built from it.
    sdist: Optional[Dict[str, str]] = None
    # Taken from the registry wheel cache the host handed in, not compiled here (issue 13).
    cached: bool = False
    # The file's sha256 where it is known already (a fetched wheel's, checked as it was fetched).
    sha256: Optional[str] = None
    # The local file a fetched wheel was copied from (a file:// index or find-links folder).
    source: Optional[str] = None

    @property
    def filename(self) -> str:
        return os.path.basename(self.path)


def read_candidates(candidates: Sequence[Candidate]) -> Dict[str, Dist]:
    """Each wheel opened and read (a sound zip, one METADATA naming what the file name says)."""
    dists: Dict[str, Dist] = {}
    for candidate in candidates:
        try:
            name, version = wheel_name_version(candidate.filename)
            # A fetched wheel's sha256 matched the index's: its members need no second look here.
            metadata = read_wheel(candidate.path, check_members=candidate.origin == "built")
        except InvalidWheel as error:
            raise HelperError("invalid-wheel", file=candidate.filename, reason=str(error)) from None
        if metadata.name != name or metadata.version != version:
            raise HelperError("invalid-wheel", file=candidate.filename,
                              reason="METADATA says %s %s" % (metadata.name, metadata.version))
        if name in dists:
            raise HelperError("invalid-wheel", file=candidate.filename, reason="a second wheel of " + name)
        candidate.requires = list(metadata.requires)
        dists[name] = Dist(name, version, candidate.requires)
    return dists


def check_sets(app_name: str, candidates: Sequence[Candidate], sets: Dict[str, List[Requirement]],
               environment: Dict[str, str]) -> List[Candidate]:
    """Marks each wheel with the sets that need it; raises `unsatisfied`; returns the wheels to hand off."""
    dists = read_candidates(candidates)
    by_name = {wheel_name_version(c.filename)[0]: c for c in candidates}
    by_name[app_name].sets.append("runtime")
    closure = Closure(dists, environment)
    missing = []
    for set_name, roots in sets.items():
        reached, lacking = closure.walk(set_name, roots)
        missing += lacking
        for name in sorted(reached):
            if set_name not in by_name[name].sets:
                by_name[name].sets.append(set_name)
    if missing:
        raise HelperError("unsatisfied", missing=[m.event() for m in missing])
    # Built or fetched but needed by no requested set (an early start's guess, say): not handed off.
    return [c for c in candidates if c.sets]


def held_by_host(wheel: Candidate, host_wheels: Dict[str, str]) -> Optional[str]:
    """The sha256 of this wheel when the host holds these very bytes under its name (not handed over)."""
    expected = host_wheels.get(wheel.filename)
    if expected is None:
        return None
    if wheel.sha256 is not None:
        return expected if wheel.sha256 == expected else None
    digest = hashlib.sha256()
    with open(wheel.path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return expected if digest.hexdigest() == expected else None


def on_host(wheel: Candidate, host_folders: Sequence[str]) -> Optional[str]:
    """The path of the host's own file this fetched wheel is a copy of, when it lies in a folder the
    host reads too (the host then reads it there instead of copying it out)."""
    if wheel.origin != "fetched" or wheel.source is None:
        return None
    return host_path(wheel.source, wheel.filename, host_folders)


def host_file_hint(source: Optional[str], sha256: Optional[str], host_folders: Sequence[str],
                   host_wheels: Dict[str, str]) -> Optional[str]:
    """The path to tell the host of as soon as a wheel is fetched from the local file `source`: the
    one the handoff will list it `at`, unless the host holds it already (then it is listed held)."""
    if source is None or not host_folders:
        return None
    filename = os.path.basename(source)
    held = host_wheels.get(filename)
    if held is not None and sha256 in (None, held):
        return None
    return host_path(source, filename, host_folders)


def host_path(source: str, filename: str, host_folders: Sequence[str]) -> Optional[str]:
    """`source` normalised, when it is the file `filename` inside one of the host's folders."""
    if os.path.basename(source) != filename:
        return None
    source = os.path.normpath(source)
    for folder in host_folders:
        if source.startswith(folder.rstrip("/") + "/"):
            return source
    return None


def hand_off(out: str, work: str, app_name: str, extras: Sequence[str], groups: Sequence[str],
             wheels: Sequence[Candidate], host_wheels: Optional[Dict[str, str]] = None,
             host_folders: Sequence[str] = ()) -> dict:
    for folder in ("app", "deps"):
        os.makedirs(os.path.join(out, folder), exist_ok=True)
    entries = []
    for wheel in sorted(wheels, key=lambda w: w.filename):
        held = held_by_host(wheel, host_wheels or {})
        at = None if held is not None else on_host(wheel, host_folders)
        if held is None and at is None:
            shutil.move(wheel.path, os.path.join(out, wheel.folder, wheel.filename))
        entry = {"filename": wheel.filename, "folder": wheel.folder, "origin": wheel.origin,
                 "sets": sorted(wheel.sets), "requires": wheel.requires}
        if held is not None:
            entry["held"] = held
        if at is not None:
            entry["at"] = at
        if wheel.sdist is not None:
            entry["sdist"] = wheel.sdist
        if wheel.cached:
            entry["cached"] = True
        entries.append(entry)
    report = {"version": REPORT_VERSION, "app": app_name, "environment": dict(default_environment()),
              "interpreter": interpreter_facts(),
              "extras": sorted(extras), "groups": sorted(groups), "wheels": entries}
    # Written last, and whole: the host takes the report's presence to mean the handoff is complete.
    temporary = os.path.join(work, "report.json")
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=1, sort_keys=True)
    shutil.move(temporary, os.path.join(out, "report.json"))
    return report
