"""The closure walk: which distributions each requested set needs, and which requirement no
distribution in hand satisfies. Used on pip's report (before anything is fetched) and on the final
wheels (before anything is handed off). Markers are judged by this interpreter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version


@dataclass(frozen=True)
class Dist:
    name: str  # canonical
    version: str
    requires: Sequence[str]


@dataclass(frozen=True)
class Missing:
    set: str
    requirement: str
    found: Optional[str]
    needed_by: Optional[str]  # None for a root of the set

    def event(self) -> dict:
        return {"set": self.set, "requirement": self.requirement, "found": self.found, "needed_by": self.needed_by}


def marker_holds(requirement: Requirement, extra: str = "", environment: Optional[dict] = None) -> bool:
    if requirement.marker is None:
        return True
    env = dict(environment or default_environment())
    env["extra"] = extra
    return requirement.marker.evaluate(env)


def satisfied_by(requirement: Requirement, version: str) -> bool:
    if requirement.url:
        return True  # a direct reference pins its file, not a version
    try:
        return requirement.specifier.contains(Version(version), prereleases=True)
    except InvalidVersion:
        return False


class Closure:
    """Walks requirements over a fixed set of distributions (by canonical name)."""

    def __init__(self, dists: Mapping[str, Dist], environment: Optional[dict] = None) -> None:
        self.dists = dists
        self.environment = dict(environment or default_environment())
        self._parsed: Dict[str, Requirement] = {}

    def _requirement(self, text: str) -> Requirement:
        if text not in self._parsed:
            self._parsed[text] = Requirement(text)
        return self._parsed[text]

    def walk(self, set_name: str, roots: Iterable[Requirement]) -> Tuple[Set[str], List[Missing]]:
        """(names reached, requirements not satisfied). Roots' markers were judged already."""
        reached: Set[str] = set()
        missing: List[Missing] = []
        seen: Set[Tuple[str, Tuple[str, ...]]] = set()
        queue: List[Tuple[Requirement, Optional[str]]] = [(root, None) for root in roots]
        while queue:
            requirement, parent = queue.pop()
            name = canonicalize_name(requirement.name)
            dist = self.dists.get(name)
            if dist is None or not satisfied_by(requirement, dist.version):
                missing.append(Missing(set_name, str(requirement), dist.version if dist else None, parent))
                continue
            reached.add(name)
            key = (name, tuple(sorted(canonicalize_name(e) for e in requirement.extras)))
            if key in seen:
                continue
            seen.add(key)
            active = [""] + sorted(requirement.extras)
            for text in dist.requires:
                child = self._requirement(text)
                # A dependency's requested extras switch on its `extra == "..."` requirements.
                if any(marker_holds(child, extra, self.environment) for extra in active):
                    queue.append((child, name))
        return reached, missing
