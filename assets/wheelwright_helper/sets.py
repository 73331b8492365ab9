"""The requested sets and their root requirements: `runtime` (the app's Requires-Dist whose markers
hold with no extra), `extra:<name>` (those that hold only with that extra), `group:<name>` (PEP 735)
and `requirements:<path>`. Markers are judged here, by the interpreter the wheels are for, and
dropped from the roots (pip would judge an `extra == "test"` marker false and skip the requirement)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from .closure import marker_holds
from .events import HelperError, emit
from .groups import expand_group, normalised_groups
from .requirements import RequirementsFile
from .resolve import Item


@dataclass(frozen=True)
class AppFacts:
    name: str  # canonical
    version: str
    filename: str
    requires: Sequence[str]
    extras: Sequence[str]  # Provides-Extra, PEP 685 normalised


def without_marker(requirement: Requirement) -> Requirement:
    extras = "[%s]" % ",".join(sorted(requirement.extras)) if requirement.extras else ""
    if requirement.url:
        return Requirement("%s%s @ %s" % (requirement.name, extras, requirement.url))
    return Requirement("%s%s%s" % (requirement.name, extras, requirement.specifier))


def check_requested(app_extras: Sequence[str], groups_table: dict, extras: Sequence[str],
                    groups: Sequence[str]) -> None:
    available_groups = sorted(normalised_groups(groups_table))
    unknown = sorted({canonicalize_name(e) for e in extras} - set(app_extras))
    unknown_groups = sorted({canonicalize_name(g) for g in groups} - set(available_groups))
    if unknown or unknown_groups:
        raise HelperError("unknown-extra", extras=unknown, groups=unknown_groups, available=sorted(app_extras),
                          available_groups=available_groups)


class SetBuilder:
    def __init__(self, app: AppFacts, environment: Optional[dict] = None) -> None:
        self.app = app
        self.environment = environment
        self.requires = [Requirement(r) for r in app.requires]

    def runtime(self) -> List[Requirement]:
        return [without_marker(r) for r in self.requires if marker_holds(r, "", self.environment)]

    def extra(self, extra: str) -> List[Requirement]:
        name = canonicalize_name(extra)
        return [without_marker(r) for r in self.requires
                if r.marker is not None and marker_holds(r, name, self.environment)
                and not marker_holds(r, "", self.environment)]

    def app_reference(self, extras: Sequence[str]) -> List[Requirement]:
        """What naming the project itself (`.[test]`, or its name) in a set adds: its requirements."""
        out = self.runtime()
        for extra in extras:
            if canonicalize_name(extra) not in self.app.extras:
                raise HelperError("unknown-extra", extras=[canonicalize_name(extra)], groups=[],
                                  available=sorted(self.app.extras), available_groups=[])
            out += self.extra(extra)
        return out

    def strings(self, items: Sequence[str], where: str) -> List[Requirement]:
        out = []
        for text in items:
            try:
                requirement = Requirement(text)
            except InvalidRequirement as error:
                raise HelperError("requirements", file="pyproject.toml", line=None,
                                  reason="%s: %s" % (where, error)) from None
            out += self._root(requirement, list(requirement.extras))
        return out

    def _root(self, requirement: Requirement, extras: List[str]) -> List[Requirement]:
        if not marker_holds(requirement, "", self.environment):
            return []
        if canonicalize_name(requirement.name) == self.app.name:
            return self.app_reference(extras)
        return [without_marker(requirement)]

    def requirements_file(self, parsed: RequirementsFile) -> List[Requirement]:
        out = []
        for line in parsed.requirements:
            if line.app_extras is not None:
                if marker_holds(line.requirement, "", self.environment):
                    out += self.app_reference(line.app_extras)
            else:
                out += self._root(line.requirement, list(line.requirement.extras))
        return out


def build_sets(app: AppFacts, extras: Sequence[str], groups_table: dict, groups: Sequence[str],
               requirement_files: Sequence[RequirementsFile], environment: Optional[dict] = None,
               ) -> Dict[str, List[Requirement]]:
    """Every requested set's root requirements, by set name, in a stable order."""
    check_requested(app.extras, groups_table, extras, groups)
    builder = SetBuilder(app, environment)
    sets: Dict[str, List[Requirement]] = {"runtime": builder.runtime()}
    for extra in sorted({canonicalize_name(e) for e in extras}):
        sets["extra:" + extra] = builder.extra(extra)
    for group in sorted({canonicalize_name(g) for g in groups}):
        sets["group:" + group] = builder.strings(expand_group(groups_table, group), "group " + group)
    for parsed in requirement_files:
        sets["requirements:" + parsed.path] = builder.requirements_file(parsed)
    return sets


def pip_roots(sets: Dict[str, List[Requirement]]) -> List[str]:
    """The union of every set's roots, as pip reads them (one resolution gives one version per name)."""
    return sorted({str(r) for roots in sets.values() for r in roots})


def name_direct_owner(error: HelperError, sets: Dict[str, List[Requirement]]) -> None:
    """A requirement no index offers that no package asked for is one of the sets' own: the sets
    that name it go in the event (`runtime`, `extra:test`, ...), so the host can say whose it is."""
    missing = error.fields.get("not_found")
    if error.error != "resolve" or not isinstance(missing, str) or error.fields.get("needed_by"):
        return
    try:
        name = canonicalize_name(Requirement(missing).name)
    except Exception:  # not a requirement pip would print: nothing to name
        return
    owners = [set_name for set_name, roots in sets.items() if any(canonicalize_name(r.name) == name for r in roots)]
    if owners:
        error.fields["needed_by_sets"] = sorted(owners)


def without_the_app(items: List[Item], app: AppFacts) -> List[Item]:
    """The closure without any distribution of the app's own name: a test tool that depends on the
    app (pytest on iniconfig, say) makes pip pick the index's copy, but the app's own wheel is the
    one in the set, and the check judges every requirement on it against the app's version."""
    kept = [item for item in items if item.name != app.name]
    for item in items:
        if item.name == app.name:
            emit("log", step="resolve", line="%s %s from the index left out: the application's own wheel (%s) "
                                             "stands for it" % (item.name, item.version, app.version))
    return kept
