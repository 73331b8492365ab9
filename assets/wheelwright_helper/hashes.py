"""Which hashes each package's file must have (from a lock, or a hash-pinned requirements file),
and pip's --require-hashes rule for such a file: everything its set needs is pinned in it."""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from . import locks
from .closure import Closure, Dist
from .events import HelperError
from .requirements import RequirementsFile
from .resolve import Item

# name -> (allowed "sha256:<hex>" hashes, the error code a mismatch raises, the file that says so)
HashPolicy = Dict[str, tuple]


def hash_policy(requirement_files: Sequence[RequirementsFile], lock: Optional[locks.Lock]) -> HashPolicy:
    table: HashPolicy = {}
    for parsed in requirement_files:
        if parsed.require_hashes:
            for name, hashes in parsed.allowed_hashes().items():
                table[name] = (hashes, "requirements", parsed.path)
    if lock is not None:
        for name, hashes in locks.hash_table(lock.packages).items():
            table[name] = (hashes, "lock-mismatch", lock.path)
    return table


def check_hash_pinned(requirement_files: Sequence[RequirementsFile], items: List[Item],
                      sets: Dict[str, List[Requirement]], environment: dict) -> None:
    closure = Closure({i.name: Dist(i.name, i.version, i.requires) for i in items}, environment)
    for parsed in requirement_files:
        if not parsed.require_hashes:
            continue
        set_name = "requirements:" + parsed.path
        pinned = {canonicalize_name(line.requirement.name) for line in parsed.requirements}
        reached, _missing = closure.walk(set_name, sets.get(set_name, []))
        unpinned = sorted(reached - pinned)
        if unpinned:
            raise HelperError("requirements", file=parsed.path, line=None, packages=unpinned,
                              reason="%s needed by this hash-pinned file but not pinned in it with a hash "
                                     "(pip's --require-hashes rule)" % ", ".join(unpinned))
