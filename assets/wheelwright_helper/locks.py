"""Lock files: PEP 751 `pylock.toml`, `uv.lock`, `poetry.lock`, or a hash-pinned requirements file,
read into one shape: the locked packages (name, version, marker, allowed hashes, a direct URL where
the lock names one). The build installs exactly these versions, hashes enforced where the lock has
them; a lock that no longer matches the project's declared requirements is refused, naming the entry.

Shapes, as each format documents them:
- pylock.toml: `lock-version = "1.0"`, `[[packages]]` with `name`, `version`, `marker`, `wheels = [{name,
  url|path, hashes = {sha256 = ...}}]`, `sdist = {...}`, `archive = {...}`, `vcs`/`directory`.
- uv.lock: `version = 1`, `[[package]]` with `name`, `version`, `source = {registry|url|path|editable|
  virtual|git|directory}`, `sdist = {url, hash = "sha256:..."}`, `wheels = [{url, hash}]`,
  `resolution-markers` on a package locked at two versions.
- poetry.lock: `[[package]]` with `name`, `version`, `files = [{file, hash = "sha256:..."}]` (poetry 1.x:
  `[metadata.files]`), optional `markers`, `[package.source]` (`type = "legacy"|"url"|"file"|...`).
- requirements: every line `name==version`, hashes where given (pip-compile --generate-hashes).

uv.lock and poetry.lock hold every group's and extra's packages, for every platform, with the
conditions on the edges (`dependencies = [{name, marker, extra}]`, poetry's `[package.dependencies]`
and `[package.extras]`). `select` walks that graph from the project (uv.lock's editable/virtual
root; poetry's declared requirements, which the lock does not record) through the requested extras
and groups, judging each edge's marker, so a package reached only by another group, or only on
another platform, is never fetched. pylock.toml is flat: its packages' markers (which may test
`extras` and `dependency_groups`) decide."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple
from urllib.request import pathname2url

from packaging.markers import InvalidMarker, Marker, UndefinedEnvironmentName, default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from .events import HelperError
from .pyproject import TomlError, load_toml
from .requirements import RequirementsParser, pinned_version


@dataclass(frozen=True)
class Edge:
    """One dependency as the lock records it: the target's name, the condition, the target's
    extras it turns on, and (uv, where the name is locked at two versions) the version meant."""
    name: str  # canonical
    marker: Optional[str] = None
    extras: Tuple[str, ...] = ()
    version: Optional[str] = None


@dataclass
class LockedPackage:
    name: str  # canonical
    version: str
    entry: str  # how the error names it: "uv.lock: package django 5.0.1"
    marker: Optional[str] = None
    hashes: List[str] = field(default_factory=list)  # "sha256:<hex>"
    url: Optional[str] = None  # a direct URL (or file) the lock pins, instead of the index
    deps: List[Edge] = field(default_factory=list)
    optional: Dict[str, List[Edge]] = field(default_factory=dict)  # extra -> what it adds
    groups: Dict[str, List[Edge]] = field(default_factory=dict)  # uv's root: dependency group -> members

    def pip_line(self, with_hashes: bool) -> str:
        line = "%s @ %s" % (self.name, self.url) if self.url else "%s==%s" % (self.name, self.version)
        return line + "".join(" --hash=" + h for h in self.hashes) if with_hashes else line


@dataclass
class Lock:
    path: str
    format: str
    packages: List[LockedPackage]
    graph: bool = False  # whether the packages' edges are recorded (uv.lock, poetry.lock)
    root: Optional[LockedPackage] = None  # uv.lock: the project itself, where its edges start
    members: List[LockedPackage] = field(default_factory=list)  # uv.lock: it and its workspace's projects


def _format_error(path: str, reason: str) -> HelperError:
    return HelperError("lock-format", file=path, reason=reason)


def _sha256(value: Optional[str]) -> List[str]:
    """`sha256:<hex>` from uv's / poetry's "sha256:<hex>" or pylock's {sha256 = "<hex>"}."""
    if isinstance(value, dict):
        return ["sha256:" + value["sha256"]] if isinstance(value.get("sha256"), str) else []
    if isinstance(value, str) and value.startswith("sha256:"):
        return [value]
    return []


def _file_url(base: str, path: str) -> str:
    return "file://" + pathname2url(os.path.normpath(os.path.join(base, path)))


def read_lock(source: str, path: str, fmt: str, app_name: Optional[str], environ: Dict[str, str]) -> Lock:
    full = os.path.join(source, path)
    if not os.path.isfile(full):
        raise _format_error(path, "the lock file does not exist")
    if fmt == "requirements":
        return _read_requirements(source, path, environ)
    try:
        data = load_toml(full)
    except (TomlError, OSError) as error:
        raise _format_error(path, "not valid TOML: %s" % error) from None
    reader = {"pylock": _read_pylock, "uv": _read_uv, "poetry": _read_poetry}[fmt]
    try:
        packages = reader(data, path, os.path.dirname(full))
    except (KeyError, TypeError, AttributeError) as error:
        raise _format_error(path, "not in the documented %s shape (%s: %s)" % (fmt, type(error).__name__, error)
                            ) from None
    app = canonicalize_name(app_name) if app_name else None
    root = None
    if fmt == "uv":
        projects = [p for p in packages if p.url == _PROJECT]
        root = next((p for p in projects if p.name == app), None)
        if root is None and app is None and len(projects) == 1:
            root = projects[0]
    kept = [p for p in packages if p.name != app and p.url != _PROJECT]
    return Lock(path, fmt, kept, graph=fmt in ("uv", "poetry"), root=root,
                members=[p for p in packages if p.url == _PROJECT])


# uv.lock's own project and workspace members (editable/virtual sources): walked through, never fetched.
_PROJECT = "<project>"


def _read_pylock(data: dict, path: str, base: str) -> List[LockedPackage]:
    version = str(data.get("lock-version", ""))
    if not version.startswith("1."):
        raise _format_error(path, "lock-version %r is not a PEP 751 1.x lock" % version)
    out = []
    for package in data.get("packages", []):
        name = canonicalize_name(package["name"])
        entry = "%s: [[packages]] %s %s" % (path, name, package.get("version", ""))
        if "vcs" in package or "directory" in package:
            directory = package.get("directory") or {}
            if os.path.normpath(os.path.join(base, directory.get("path", "-"))) == os.path.normpath(base):
                continue  # the project itself
            raise _format_error(path, "%s is a VCS or folder source: only files can be built into a wheelhouse"
                                % entry)
        hashes: List[str] = []
        url = None
        for wheel in package.get("wheels", []):
            hashes += _sha256(wheel.get("hashes"))
        if package.get("sdist"):
            hashes += _sha256(package["sdist"].get("hashes"))
        if package.get("archive"):
            archive = package["archive"]
            hashes += _sha256(archive.get("hashes"))
            url = archive.get("url") or _file_url(base, archive["path"])
        if "version" not in package and url is None:
            raise _format_error(path, "%s has no version" % entry)
        out.append(LockedPackage(name, str(package.get("version", "")), entry, package.get("marker"),
                                 hashes, url))
    return out


def _read_uv(data: dict, path: str, base: str) -> List[LockedPackage]:
    if data.get("version") != 1:
        raise _format_error(path, "uv.lock version %r is not 1" % data.get("version"))
    out = []
    for package in data.get("package", []):
        name = canonicalize_name(package["name"])
        entry = "%s: package %s %s" % (path, name, package.get("version", ""))
        source = package.get("source", {})
        deps = [_uv_edge(d) for d in package.get("dependencies") or []]
        optional = {canonicalize_name(k): [_uv_edge(d) for d in v]
                    for k, v in (package.get("optional-dependencies") or {}).items()}
        groups = {canonicalize_name(k): [_uv_edge(d) for d in v]
                  for k, v in (package.get("dev-dependencies") or {}).items()}
        if "editable" in source or "virtual" in source:
            # The project itself (or a workspace member built as its own project): its edges are
            # where the walk starts; it is never fetched.
            out.append(LockedPackage(name, str(package.get("version", "")), entry, None, [], _PROJECT, deps,
                                     optional, groups))
            continue
        if "git" in source or "directory" in source:
            raise _format_error(path, "%s comes from git or a folder: only files can be built into a wheelhouse"
                                % entry)
        hashes = list(_sha256((package.get("sdist") or {}).get("hash")))
        for wheel in package.get("wheels", []):
            hashes += _sha256(wheel.get("hash"))
        url = None
        if "url" in source:
            url = source["url"]
        elif "path" in source:
            url = _file_url(base, source["path"])
        markers = package.get("resolution-markers") or []
        marker = " or ".join("(%s)" % m for m in markers) if markers else None
        out.append(LockedPackage(name, package["version"], entry, marker, hashes, url, deps, optional))
    return out


def _uv_edge(dep: dict) -> Edge:
    return Edge(canonicalize_name(dep["name"]), dep.get("marker"),
                tuple(canonicalize_name(e) for e in dep.get("extra") or []), dep.get("version"))


_NAME_AND_EXTRAS = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?")


def _poetry_edges(package: dict) -> Tuple[List[Edge], Dict[str, List[Edge]]]:
    """poetry's `[package.dependencies]` (name = "constraint", a table with `markers`, `extras` and
    `optional`, or a list of such tables) and `[package.extras]` (extra = ["name (constraint)", ...]):
    the edges always followed, and those each extra turns on."""
    always: List[Edge] = []
    optional_by_name: Dict[str, List[Edge]] = {}
    for raw_name, spec in (package.get("dependencies") or {}).items():
        name = canonicalize_name(raw_name)
        for one in spec if isinstance(spec, list) else [spec]:
            table = one if isinstance(one, dict) else {}
            markers = table.get("markers")
            edge = Edge(name, markers if isinstance(markers, str) else None,
                        tuple(canonicalize_name(e) for e in table.get("extras") or []))
            (optional_by_name.setdefault(name, []) if table.get("optional") else always).append(edge)
    optional: Dict[str, List[Edge]] = {}
    for extra, members in (package.get("extras") or {}).items():
        edges = optional.setdefault(canonicalize_name(extra), [])
        for member in members:
            match = _NAME_AND_EXTRAS.match(member)
            if not match:
                continue
            name = canonicalize_name(match.group(1))
            more = tuple(canonicalize_name(e) for e in (match.group(2) or "").split(",") if e.strip())
            for edge in optional_by_name.get(name, [Edge(name)]):
                edges.append(Edge(edge.name, edge.marker, tuple(sorted(set(edge.extras) | set(more)))))
    return always, optional


def _read_poetry(data: dict, path: str, base: str) -> List[LockedPackage]:
    legacy_files = (data.get("metadata") or {}).get("files") or {}
    out = []
    for package in data.get("package", []):
        name = canonicalize_name(package["name"])
        entry = "%s: package %s %s" % (path, name, package["version"])
        source = package.get("source") or {}
        kind = source.get("type")
        if kind in ("git", "directory"):
            raise _format_error(path, "%s comes from git or a folder: only files can be built into a wheelhouse"
                                % entry)
        files = package.get("files")
        if files is None:
            files = legacy_files.get(package["name"], legacy_files.get(name, []))
        hashes = [h for f in files for h in _sha256(f.get("hash"))]
        url = None
        if kind == "url":
            url = source["url"]
        elif kind == "file":
            url = _file_url(base, source["url"])
        markers = package.get("markers")
        deps, optional = _poetry_edges(package)
        out.append(LockedPackage(name, package["version"], entry, markers if isinstance(markers, str) else None,
                                 hashes, url, deps, optional))
    return out


def _read_requirements(source: str, path: str, environ: Dict[str, str]) -> Lock:
    parsed = RequirementsParser(source, environ).parse(path)
    out = []
    for line in parsed.requirements:
        requirement = line.requirement
        version = pinned_version(requirement)
        if line.app_extras is not None:
            continue
        if version is None and requirement.url is None:
            raise _format_error(path, "%s (%s) is not pinned with ==: a lock pins every package"
                                % (requirement, line.origin))
        marker = str(requirement.marker) if requirement.marker else None
        out.append(LockedPackage(canonicalize_name(requirement.name), version or "", "%s: %s" % (
            line.origin, requirement), marker, list(line.hashes), requirement.url))
    return Lock(path, "requirements", out)


def applies(package: LockedPackage, extras: Sequence[str], groups: Sequence[str]) -> bool:
    """Whether a locked package is meant for this interpreter. PEP 751 markers may test `extras` and
    `dependency_groups`; where this packaging cannot judge a marker, the package is kept (the
    closure walk later decides whether anything needs it)."""
    if not package.marker:
        return True
    try:
        marker = Marker(package.marker)
    except InvalidMarker:
        return True
    env = dict(default_environment())
    env["extra"] = ""
    try:
        if "extras" in package.marker or "dependency_groups" in package.marker:
            env.update({"extras": set(extras), "dependency_groups": set(groups)})
            return marker.evaluate(env, "lock_file")
        return marker.evaluate(env)
    except (UndefinedEnvironmentName, TypeError, ValueError):
        return True


def select(lock: Lock, extras: Sequence[str], groups: Sequence[str],
           roots: Optional[Iterable[Requirement]] = None, environment: Optional[dict] = None) -> List[LockedPackage]:
    """The locked packages this build installs. For a lock with a graph, those reached from the
    project (uv.lock's root with the requested extras and groups) and from `roots` (the declared
    requirements of the requested sets, markers already judged), each edge's marker judged by
    `environment`; without a place to start (poetry.lock with no roots known), every package that
    applies to this interpreter, as for a flat lock."""
    if lock.graph and (lock.root is not None or roots is not None):
        return _walk(lock, extras, groups, list(roots or []), environment)
    chosen: Dict[str, LockedPackage] = {}
    for package in lock.packages:
        if not applies(package, extras, groups):
            continue
        if package.name in chosen:
            raise _format_error(lock.path, "two locked versions of %s apply to this interpreter (%s, %s)" % (
                package.name, chosen[package.name].version, package.version))
        chosen[package.name] = package
    return [chosen[name] for name in sorted(chosen)]


def _edge_holds(edge: Edge, environment: Optional[dict]) -> bool:
    if not edge.marker:
        return True
    env = dict(environment or default_environment())
    env["extra"] = ""
    try:
        return Marker(edge.marker).evaluate(env)
    except (InvalidMarker, UndefinedEnvironmentName, TypeError, ValueError):
        return True  # a condition this packaging cannot judge: keep the edge (the closure walk decides later)


def _walk(lock: Lock, extras: Sequence[str], groups: Sequence[str], roots: List[Requirement],
          environment: Optional[dict]) -> List[LockedPackage]:
    by_name: Dict[str, List[LockedPackage]] = {}
    for package in lock.packages + lock.members:
        by_name.setdefault(package.name, []).append(package)
    start: List[Edge] = [Edge(canonicalize_name(r.name), None, tuple(sorted(canonicalize_name(e) for e in r.extras)))
                         for r in roots]
    if lock.root is not None:
        start += lock.root.deps
        for extra in extras:
            start += lock.root.optional.get(canonicalize_name(extra), [])
        for group in groups:
            start += lock.root.groups.get(canonicalize_name(group), [])
    chosen: Dict[str, LockedPackage] = {}
    seen: Set[Tuple[int, str]] = set()
    queue: List[Edge] = list(start)
    while queue:
        edge = queue.pop()
        if not _edge_holds(edge, environment):
            continue
        package = _target(lock, by_name.get(edge.name, []), edge, extras, groups)
        if package is None:
            continue  # not locked: the root check (check_roots) or the closure walk names it
        if package.url != _PROJECT:
            other = chosen.get(package.name)
            if other is not None and other is not package:
                raise _format_error(lock.path, "two locked versions of %s are needed here (%s, %s)" % (
                    package.name, other.version, package.version))
            chosen[package.name] = package
        for part in ("",) + edge.extras:
            if (id(package), part) in seen:
                continue
            seen.add((id(package), part))
            queue += package.deps if part == "" else package.optional.get(part, [])
    return [chosen[name] for name in sorted(chosen)]


def _target(lock: Lock, candidates: List[LockedPackage], edge: Edge, extras: Sequence[str],
            groups: Sequence[str]) -> Optional[LockedPackage]:
    """The locked package an edge means: the one version locked, the version the edge names, or
    the one whose resolution markers hold here."""
    if edge.version is not None:
        candidates = [c for c in candidates if c.version == edge.version] or candidates
    if len(candidates) > 1:
        candidates = [c for c in candidates if applies(c, extras, groups)]
    if len(candidates) > 1:
        raise _format_error(lock.path, "two locked versions of %s apply to this interpreter (%s)" % (
            edge.name, ", ".join(c.version for c in candidates)))
    return candidates[0] if candidates else None


def check_roots(lock_packages: Sequence[LockedPackage], sets: Dict[str, List[Requirement]], path: str) -> None:
    """Every declared requirement has a locked package whose version it accepts."""
    by_name = {p.name: p for p in lock_packages}
    for set_name, roots in sets.items():
        for requirement in roots:
            package = by_name.get(canonicalize_name(requirement.name))
            if package is None:
                raise HelperError("lock-mismatch", file=path, set=set_name, requirement=str(requirement),
                                  entry=None, reason="the lock has no package for this declared requirement")
            if package.url is None and package.version and not requirement.specifier.contains(
                    package.version, prereleases=True):
                raise HelperError("lock-mismatch", file=path, set=set_name, requirement=str(requirement),
                                  entry=package.entry, locked=package.version,
                                  reason="the locked version is outside the declared specifier")


def hash_table(packages: Sequence[LockedPackage]) -> Dict[str, List[str]]:
    return {p.name: list(p.hashes) for p in packages if p.hashes}
