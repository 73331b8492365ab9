"""Building from a lock: pip only finds the locked files (exact pins, `--no-deps`, every hash when
the lock has them all), and the closure walk over their metadata decides which of them the
requested sets need. A declared requirement the lock cannot meet is a `lock-mismatch`."""

from __future__ import annotations

import os
from typing import Dict, List, Optional, Sequence, Tuple
from urllib.request import pathname2url

from packaging.requirements import Requirement

from . import locks
from .closure import Closure, Dist
from .events import HelperError, emit
from .resolve import Item, Resolver
from .sdist import SdistBuilder
from .wheelfile import sha256_file


def _pip_line(package: locks.LockedPackage, hashed: bool, prebuilt: Dict[str, str]) -> str:
    # pip's hash mode would refuse a wheel built here before from the locked sdist: it is named
    # directly (by its own hash), and the deps step checks its sdist's hash against the lock's.
    digests = [h[len("sha256:"):] for h in package.hashes]
    wheel = next((prebuilt[d] for d in digests if d in prebuilt), None)
    prefix = "%s-%s-" % (package.name.replace("-", "_"), package.version)
    if wheel is None or package.url is not None or not os.path.basename(wheel).startswith(prefix):
        return package.pip_line(hashed)
    line = "%s @ file://%s" % (package.name, pathname2url(wheel))
    return line + (" --hash=sha256:" + sha256_file(wheel) if hashed else "")


def resolve_locked(resolver: Resolver, sdists: SdistBuilder, lock: locks.Lock, extras: Sequence[str],
                   groups: Sequence[str], roots: Optional[List[Requirement]] = None,
                   environment: Optional[dict] = None) -> Tuple[List[locks.LockedPackage], List[Item]]:
    """The locked packages this build needs (see locks.select), and pip's report of their files."""
    selected = locks.select(lock, extras, groups, roots, environment)
    hashed = all(p.hashes for p in selected)
    prebuilt = sdists.prebuilt_by_sdist()
    emit("phase", phase="resolve")
    items = resolver.resolve([_pip_line(p, hashed, prebuilt) for p in selected], no_deps=True,
                             offer_prebuilt=False)
    by_name = {p.name: p for p in selected}
    for item in items:
        package = by_name.get(item.name)
        if package is not None and package.url is None and package.version and item.version != package.version:
            raise HelperError("lock-mismatch", file=lock.path, entry=package.entry,
                              reason="the index gave %s, not the locked version" % item.version)
    return selected, items


def lock_closure(lock_path: str, items: List[Item], sets: Dict[str, List[Requirement]], environment: dict,
                 strict: bool) -> List[Item]:
    """The locked items the requested sets reach; with `strict`, a requirement no locked item meets
    is a mismatch (not so for the early start's guess)."""
    closure = Closure({i.name: Dist(i.name, i.version, i.requires) for i in items}, environment)
    reached = set()
    for set_name, roots in sets.items():
        names, missing = closure.walk(set_name, roots)
        if missing and strict:
            first = missing[0]
            raise HelperError("lock-mismatch", file=lock_path, set=first.set, requirement=first.requirement,
                              entry=None, locked=first.found, needed_by=first.needed_by,
                              reason="no locked package satisfies this requirement")
        reached |= names
    return [i for i in items if i.name in reached]
